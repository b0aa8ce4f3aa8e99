import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/**
 * The contract's DateTime and Date scalars. Parsing is delegated to graphql-scalars; its
 * messages echo the offending value, so they are replaced by ones that do not.
 */
function guarded<T>(
  name: string,
  description: string,
  base: GraphQLScalarType,
  expected: string,
  serialize: (value: unknown) => string = (value) => base.serialize(value) as string,
) {
  const refuse = () =>
    new GraphQLError(`${name} must be ${expected}`, { extensions: { code: 'BAD_USER_INPUT' } });
  return new GraphQLScalarType<T, string>({
    name,
    description,
    serialize,
    parseValue: (value) => {
      if (typeof value !== 'string' || value.length > 64) throw refuse();
      try {
        return base.parseValue(value) as T;
      } catch {
        throw refuse();
      }
    },
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING || ast.value.length > 64) throw refuse();
      try {
        return base.parseLiteral(ast, {}) as T;
      } catch {
        throw refuse();
      }
    },
  });
}

export const DateTimeScalar = guarded<Date>(
  'DateTime',
  'ISO-8601 timestamp with offset, e.g. 2025-04-01T09:30:00.000Z',
  DateTimeResolver,
  'an ISO-8601 timestamp with offset',
);

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Kept as the 'YYYY-MM-DD' string so that no time zone can move the day. Output values are read
 * from date columns as text, which PostgreSQL keeps to real calendar dates, so their shape is
 * enough; the full calendar check (a Date built and formatted per value, about 2.5 % of an inbox
 * page's CPU) is left to values of any other shape.
 */
export const DateScalar = guarded<string>(
  'Date',
  'Calendar date, YYYY-MM-DD',
  LocalDateResolver,
  'a date YYYY-MM-DD',
  (value) =>
    typeof value === 'string' && DATE_SHAPE.test(value)
      ? value
      : (LocalDateResolver.serialize(value) as string),
);
