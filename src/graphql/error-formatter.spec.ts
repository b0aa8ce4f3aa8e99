import { BadRequestException, NotFoundException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors.js';
import { constraintError, formatGraphQLError, hideValues, isDatabaseUnavailable } from './error-formatter.js';

const dbError = (code: string, message = 'duplicate key value violates unique constraint') => {
  const driverError = Object.assign(new Error(message), {
    code,
    detail: 'Key (code)=(SECRET-VALUE) already exists.',
  });
  return new QueryFailedError('INSERT INTO areas (code) VALUES ($1)', ['SECRET-VALUE'], driverError);
};

/** How Apollo hands a resolver's error to formatError. */
const fromResolver = (original: Error) =>
  new GraphQLError(original.message, { path: ['x'], originalError: original });

const format = (error: GraphQLError, hideInputValues = true) =>
  formatGraphQLError({ message: error.message, path: error.path, extensions: error.extensions }, error, {
    hideInputValues,
  });

describe('formatGraphQLError', () => {
  it('keeps a domain error code and message', () => {
    const f = format(fromResolver(new DomainError(ErrorCode.CONSENT_REQUIRED, 'Consent needed')));
    expect(f).toEqual({ message: 'Consent needed', path: ['x'], extensions: { code: 'CONSENT_REQUIRED' } });
  });

  it('masks an unknown error: no message, no stack, no original error', () => {
    const boom = new Error('SELECT secret FROM families WHERE name = $1');
    const f = format(fromResolver(boom));
    expect(f.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(f.message).toBe('Internal server error');
    expect(JSON.stringify(f)).not.toMatch(/SELECT|secret|stack/);
  });

  it('maps a lost unique-key race to CONFLICT without the key value or SQL', () => {
    const f = format(fromResolver(dbError('23505')));
    expect(f.extensions!.code).toBe('CONFLICT');
    expect(JSON.stringify(f)).not.toMatch(/SECRET-VALUE|INSERT|duplicate key/);
  });

  it.each([
    ['40001', 'CONFLICT'],
    ['40P01', 'CONFLICT'],
    ['23503', 'BAD_USER_INPUT'],
    ['23514', 'BAD_USER_INPUT'],
    ['22P02', 'BAD_USER_INPUT'],
    ['22001', 'BAD_USER_INPUT'],
    ['57014', 'SERVICE_UNAVAILABLE'],
    ['55P03', 'SERVICE_UNAVAILABLE'],
    ['57P01', 'SERVICE_UNAVAILABLE'],
    ['08006', 'SERVICE_UNAVAILABLE'],
  ])('maps SQLSTATE %s to %s', (sqlState, code) => {
    const f = format(fromResolver(dbError(sqlState, 'invalid input syntax for type uuid: "SECRET-VALUE"')));
    expect(f.extensions!.code).toBe(code);
    expect(JSON.stringify(f)).not.toContain('SECRET-VALUE');
  });

  it('looks inside a value graphql-js wrapped because it was not an Error of its realm', () => {
    const foreign = { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' };
    const wrapped = Object.assign(new Error('Unexpected error value'), {
      name: 'NonErrorThrown',
      thrownValue: foreign,
    });
    const f = format(fromResolver(wrapped));
    expect(f.extensions!.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(f)).not.toContain('127.0.0.1');
  });

  it('leaves other database errors masked', () => {
    expect(constraintError(dbError('42P01'))).toBeUndefined();
    expect(format(fromResolver(dbError('42P01'))).extensions!.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('recognises a connection that is refused, reset or timed out as unavailable', () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
    expect(isDatabaseUnavailable('not an error')).toBe(false);
  });

  it('maps HTTP exceptions from pipes to contract codes', () => {
    const bad = format(fromResolver(new BadRequestException(['name must be shorter than 200 characters'])));
    expect(bad).toMatchObject({
      message: 'name must be shorter than 200 characters',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(format(fromResolver(new NotFoundException())).extensions!.code).toBe('NOT_FOUND');
  });

  it('turns document errors into BAD_USER_INPUT and hides values in production', () => {
    const error = new GraphQLError(
      'Variable "$i" got invalid value "CANARY" at "i.childPopulation"; Int cannot represent non-integer value: "CANARY"',
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
    const hidden = format(error, true);
    expect(hidden.extensions!.code).toBe('BAD_USER_INPUT');
    expect(hidden.message).toBe('Variable "$i" got an invalid value at "i.childPopulation".');
    expect(format(error, false).message).toContain('CANARY');
    const parse = new GraphQLError('Syntax Error: Unexpected Name "x".', {
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    expect(format(parse).extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('never passes through an unknown extensions code', () => {
    const error = new GraphQLError('odd', { extensions: { code: 'SOMETHING_ELSE', secret: 'x' } });
    expect(format(error)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});

describe('hideValues', () => {
  it.each([
    [
      'Variable "$x" got invalid value "abc"; Int cannot represent non-integer value: "abc"',
      'Variable "$x" got an invalid value.',
    ],
    ['Int cannot represent non-integer value: "CANARY"', 'Int cannot represent non-integer value.'],
    ['String cannot represent a non string value: 12345', 'String cannot represent a non string value.'],
    [
      'Expected value of type "Int!", found "CANARY"; reason',
      'Expected value of type "Int!", found an invalid value.',
    ],
    [
      'Enum "Role" cannot represent non-enum value: "CANARY".',
      'Enum "Role" cannot represent non-enum value.',
    ],
  ])('%s', (message, expected) => {
    expect(hideValues(message)).toBe(expected);
  });
});
