import { buildSchema, graphql } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';

/**
 * patches/graphql+16.15.0.patch, applied by `npm ci`: a fast path in graphql-js for fields without
 * arguments, and plain result objects. What resolvers receive, and what a response says, must stay
 * what graphql-js gives without it.
 */
describe('graphql-js argument values, as patched', () => {
  const received: Record<string, object> = {};
  const schema = buildSchema(`type Query { plain: String  withArgs(first: Int = 10, name: String): String }`);
  const fields = schema.getQueryType()!.getFields();
  fields.plain.resolve = (_source, args: object) => ((received.plain = args), 'plain value');
  fields.withArgs.resolve = (_source, args: object) => ((received.withArgs = args), 'value with arguments');

  it('is installed', async () => {
    expect(getArgumentValues.toString()).toContain('def.args.length === 0');
    const result = await graphql({ schema, source: '{ plain }' });
    expect(Object.getPrototypeOf(result.data)).toBe(Object.prototype);
  });

  it('gives a field without arguments a plain empty object, as graphql-js does', async () => {
    const result = await graphql({ schema, source: '{ plain }' });
    expect(result).toEqual({ data: { plain: 'plain value' } });
    expect(Object.getPrototypeOf(received.plain)).toBe(Object.prototype);
    expect(Object.keys(received.plain)).toEqual([]);
  });

  it('still coerces declared arguments, their defaults and variables', async () => {
    const result = await graphql({
      schema,
      source: 'query ($name: String) { withArgs(name: $name) }',
      variableValues: { name: 'x' },
    });
    expect(result).toEqual({ data: { withArgs: 'value with arguments' } });
    expect(received.withArgs).toEqual({ first: 10, name: 'x' });
  });

  it('still refuses an argument a field does not declare', async () => {
    const result = await graphql({ schema, source: '{ plain(first: 1) }' });
    expect(result.errors?.[0]?.message).toBe('Unknown argument "first" on field "Query.plain".');
  });

  it('keeps every alias an own key of the result, __proto__ and the names of Object.prototype included', async () => {
    const result = await graphql({
      schema,
      source: '{ __proto__: plain constructor: plain toString: plain hasOwnProperty: plain }',
    });
    expect(result.errors).toBeUndefined();
    expect(Object.keys(result.data!)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(JSON.stringify(result.data)).toBe(
      '{"__proto__":"plain value","constructor":"plain value","toString":"plain value","hasOwnProperty":"plain value"}',
    );
    const plain = await graphql({ schema, source: '{ constructor: plain toString: plain }' });
    expect(JSON.stringify(plain.data)).toBe('{"constructor":"plain value","toString":"plain value"}');
  });
});
