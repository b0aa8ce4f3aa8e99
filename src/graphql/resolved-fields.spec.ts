import { buildSchema, graphql } from 'graphql';
import {
  answerResolvedFieldsFirst,
  resolveShown,
  resolveShownOfEach,
  withResolvedFields,
} from './resolved-fields.js';

describe('answerResolvedFieldsFirst', () => {
  const calls: string[] = [];
  const schema =
    buildSchema(`type Family { name: String } type Referral { id: ID family: Family service: String }
                               type Query { referrals: [Referral] }`);
  const referral = schema.getType('Referral') as any;
  referral.getFields().family.resolve = (source: { id: string }) => {
    calls.push(`family ${source.id}`);
    return Promise.resolve({ name: `from resolver ${source.id}` });
  };
  referral.getFields().service.resolve = (source: { id: string }) => {
    calls.push(`service ${source.id}`);
    return `service of ${source.id}`;
  };
  (schema.getType('Query') as any).getFields().referrals.resolve = () => [
    withResolvedFields({ id: 'a' }, { family: { name: 'known' }, service: null }),
    withResolvedFields({ id: 'b' }, { family: { name: 'known too' } }),
    { id: 'c' },
  ];
  answerResolvedFieldsFirst(schema);

  it('answers the values a parent carries and calls the resolver for the rest', async () => {
    const result = await graphql({ schema, source: '{ referrals { id family { name } service } }' });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      referrals: [
        { id: 'a', family: { name: 'known' }, service: null },
        { id: 'b', family: { name: 'known too' }, service: 'service of b' },
        { id: 'c', family: { name: 'from resolver c' }, service: 'service of c' },
      ],
    });
    expect(calls.sort()).toEqual(['family c', 'service b', 'service c']);
  });

  it('keeps the resolved values out of the view itself', () => {
    const view = withResolvedFields({ id: 'a' }, { family: { name: 'known' } });
    expect(Object.keys(view)).toEqual(['id']);
    expect(JSON.stringify(view)).toBe('{"id":"a"}');
    expect({ ...view }).toEqual({ id: 'a' });
  });
});

describe('resolveShown', () => {
  const schema = buildSchema(`type Referral { id: ID service: String agency: String family: String }
                               type Query { referral: Referral }`);
  const fields = (schema.getType('Referral') as any).getFields();
  for (const name of ['service', 'agency', 'family'])
    fields[name].resolve = () => `${name} from its resolver`;
  answerResolvedFieldsFirst(schema);

  it('resolves only the shown relations, and leaves one that fails to its field resolver', async () => {
    const called: string[] = [];
    const view = await resolveShown({ id: 'r1' }, new Set(['service', 'family']), {
      service: () => (called.push('service'), 'service resolved'),
      agency: () => (called.push('agency'), 'agency resolved'),
      family: () => Promise.reject(new Error('not visible')),
    });
    expect(called).toEqual(['service']);
    const result = await graphql({
      schema,
      source: '{ referral { service agency family } }',
      rootValue: { referral: view },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      referral: {
        service: 'service resolved',
        agency: 'agency from its resolver',
        family: 'family from its resolver',
      },
    });
  });

  it('leaves a view with nothing shown untouched', async () => {
    const view = { id: 'r1' };
    expect(await resolveShown(view, new Set(['id']), { service: () => 'x' })).toBe(view);
    expect(Object.getOwnPropertySymbols(view)).toEqual([]);
  });

  it('resolves each view of a list with its own values, sync or async, and skips failures of either kind', async () => {
    const views = [{ id: 'r1' }, { id: 'r2' }];
    const called: string[] = [];
    await resolveShownOfEach(views, new Set(['service', 'agency', 'family']), {
      service: (view) => (called.push(`service ${view.id}`), `service of ${view.id}`),
      agency: (view) => {
        if (view.id === 'r1') throw new Error('not visible');
        return Promise.resolve(`agency of ${view.id}`);
      },
      family: (view) =>
        view.id === 'r2' ? Promise.reject(new Error('not visible')) : Promise.resolve(`family of ${view.id}`),
      events: () => {
        throw new Error('not shown, so never called');
      },
    });
    expect(called).toEqual(['service r1', 'service r2']);
    const shown = (referral: object) =>
      graphql({ schema, source: '{ referral { service agency family } }', rootValue: { referral } });
    expect((await shown(views[0])).data).toEqual({
      referral: { service: 'service of r1', agency: 'agency from its resolver', family: 'family of r1' },
    });
    expect((await shown(views[1])).data).toEqual({
      referral: { service: 'service of r2', agency: 'agency of r2', family: 'family from its resolver' },
    });
  });
});
