import { GraphQLError, Kind } from 'graphql';
import { DateScalar, DateTimeScalar } from './scalars.js';

describe('Date scalar', () => {
  it('serializes a date read from the database as it is', () => {
    expect(DateScalar.serialize('2019-06-30')).toBe('2019-06-30');
  });

  it('refuses to serialize anything that is not a YYYY-MM-DD string', () => {
    expect(() => DateScalar.serialize('30/06/2019')).toThrow(GraphQLError);
    expect(() => DateScalar.serialize(20190630)).toThrow(GraphQLError);
    expect(() => DateScalar.serialize(new Date('2019-06-30T00:00:00Z'))).toThrow(GraphQLError);
  });

  it('accepts only real calendar dates as input, without echoing what it refuses', () => {
    expect(DateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2019-13-01', '2019-6-30', 'yesterday']) {
      let refused: unknown;
      try {
        DateScalar.parseValue(bad);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(GraphQLError);
      expect((refused as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
      expect((refused as GraphQLError).message).not.toContain(bad);
    }
    expect(() => DateScalar.parseLiteral({ kind: Kind.STRING, value: '2023-02-29' })).toThrow(
      'Date must be a date YYYY-MM-DD',
    );
  });
});

describe('DateTime scalar', () => {
  it('serializes a timestamp as ISO-8601 in UTC', () => {
    const at = new Date('2025-04-01T09:30:00.000Z');
    expect(JSON.stringify(DateTimeScalar.serialize(at))).toBe('"2025-04-01T09:30:00.000Z"');
  });

  it('parses an offset timestamp to the same instant', () => {
    const parsed = DateTimeScalar.parseValue('2025-04-01T10:30:00+01:00') as Date;
    expect(parsed.toISOString()).toBe('2025-04-01T09:30:00.000Z');
  });
});
