import { buildSchema, graphql } from 'graphql';
import { answerResolvedFieldsFirst, withResolvedFields } from './resolved-fields.js';

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
