import { buildSchema, graphql } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';

/**
 * patches/graphql+16.15.0.patch, applied by `npm ci`: a fast path in graphql-js for fields without
 * arguments. What resolvers receive must stay what graphql-js gives them without it.
 */
describe('graphql-js argument values, as patched', () => {
  const received: Record<string, object> = {};
  const schema = buildSchema(`type Query { plain: String  withArgs(first: Int = 10, name: String): String }`);
  const fields = schema.getQueryType()!.getFields();
  fields.plain.resolve = (_source, args: object) => ((received.plain = args), 'plain value');
  fields.withArgs.resolve = (_source, args: object) => ((received.withArgs = args), 'value with arguments');

  it('is installed', () => {
    expect(getArgumentValues.toString()).toContain('def.args.length === 0');
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
});
