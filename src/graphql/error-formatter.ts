import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerHttpFailure } from '../http.js';

const CONTRACT_CODES = new Set<string>(Object.values(ErrorCode));

/** Request-level GraphQL failures (bad document, bad variables) are the client's input errors. */
const CLIENT_DOCUMENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.BAD_USER_INPUT,
  422: ErrorCode.BAD_USER_INPUT,
  429: ErrorCode.TOO_MANY_REQUESTS,
};

/** node-postgres / PostgreSQL signs that the database is down or restarting, not that the query was wrong. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);
/** Duck-typed: errors raised by node's own modules may come from another realm (e.g. under a test VM). */
const isErrorLike = (error: unknown): error is Error =>
  typeof error === 'object' && error !== null && typeof (error as Error).message === 'string';

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!isErrorLike(error)) return false;
  const e = error as Error & { code?: string; driverError?: { code?: string } };
  const code = e.code ?? e.driverError?.code;
  if (
    code &&
    (UNAVAILABLE_SQLSTATES.has(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))
  ) {
    return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down)/i.test(
    e.message,
  );
}

const sqlStateOf = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/**
 * Database refusals that a concurrent or careless request can cause, as contract codes with
 * fixed messages (PostgreSQL's own message and detail quote the values). A unique-key race
 * lost to another request or process is a CONFLICT, whichever check-then-insert lost it.
 */
export function constraintError(error: unknown): { code: ErrorCode; message: string } | undefined {
  if (!isErrorLike(error)) return undefined;
  switch (sqlStateOf(error)) {
    case '23505':
      return { code: ErrorCode.CONFLICT, message: 'Conflicts with an existing record' };
    case '40001':
    case '40P01':
      return { code: ErrorCode.CONFLICT, message: 'Conflicted with a concurrent change; try again' };
    case '23503':
      return { code: ErrorCode.BAD_USER_INPUT, message: 'Refers to a record that does not exist' };
    case '23502':
    case '23514':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
    case '22021':
    case '22P05':
      return { code: ErrorCode.BAD_USER_INPUT, message: 'A value is not acceptable' };
    case '57014':
    case '55P03':
      // statement_timeout or lock_timeout: the database is too busy to answer in time.
      return { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'The database is busy; try again shortly' };
    default:
      return undefined;
  }
}

function validationMessage(exception: HttpException): string {
  const body = exception.getResponse() as { message?: string | string[] } | string;
  if (typeof body === 'object' && Array.isArray(body.message)) return body.message.join('; ');
  if (typeof body === 'object' && typeof body.message === 'string') return body.message;
  return exception.message;
}

export interface FormatterOptions {
  /** Rewrite messages that would echo input values (production). */
  hideInputValues: boolean;
}

/** The error a resolver threw, also when graphql-js wrapped it for not being an Error of its realm. */
export function innermostError(error: unknown): unknown {
  const original = unwrapResolverError(error);
  if (original instanceof Error && original.name === 'NonErrorThrown') {
    return (original as Error & { thrownValue?: unknown }).thrownValue;
  }
  return original;
}

/**
 * The one place where every error becomes a contract error: a known `extensions.code`,
 * no stack trace, no SQL, no original error. Unknown failures are masked as
 * INTERNAL_SERVER_ERROR; their detail goes to the log with the request id.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: FormatterOptions,
): GraphQLFormattedError {
  const original = innermostError(error);
  const path = formatted.path;
  const out = (
    code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ): GraphQLFormattedError => ({
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(path ? { path } : {}),
    extensions: { code, ...extra },
  });

  if (original instanceof DomainError) {
    return out(original.code, original.message, original.details ? { details: original.details } : {});
  }
  if (original instanceof HttpException) {
    const code = HTTP_STATUS_CODES[original.getStatus()] ?? ErrorCode.INTERNAL_SERVER_ERROR;
    if (code === ErrorCode.INTERNAL_SERVER_ERROR) return out(code, 'Internal server error');
    return out(code, code === ErrorCode.BAD_USER_INPUT ? validationMessage(original) : original.message);
  }
  if (isDatabaseUnavailable(original)) {
    return out(ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable; try again shortly');
  }
  const constraint = constraintError(original);
  if (constraint) return out(constraint.code, constraint.message);
  const code = String(formatted.extensions?.code ?? '');
  if (CONTRACT_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return out(
      code as ErrorCode,
      options.hideInputValues ? hideValues(formatted.message) : formatted.message,
    );
  }
  if (CLIENT_DOCUMENT_CODES.has(code)) {
    return out(
      ErrorCode.BAD_USER_INPUT,
      options.hideInputValues ? hideValues(formatted.message) : formatted.message,
    );
  }
  return out(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
}

/**
 * graphql-js quotes the offending value in coercion messages ('got invalid value "…"',
 * 'cannot represent non-integer value: "…"', 'found "…"'); keep only the shape and the
 * schema path, never the value.
 */
export function hideValues(message: string): string {
  return message
    .replace(/got invalid value .*?(?: at ("[^"]*"))?(?:;.*)?$/s, (_, at?: string) =>
      at ? `got an invalid value at ${at}.` : 'got an invalid value.',
    )
    .replace(/(cannot represent[^:]*?value)s?:.*$/s, '$1.')
    .replace(/, found .*$/s, ', found an invalid value.');
}

/**
 * Nest's default exception handler logs an error object whole; for a TypeORM
 * error that is the SQL, its parameters (personal data) and the driver's detail. GraphQL
 * errors are handed back to Apollo untouched instead: the formatter above turns them into
 * contract codes and the request-id plugin logs class, SQLSTATE and stack only.
 */
@Catch()
export class GraphQLErrorPassthroughFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    // Rethrown, not returned: graphql-js treats a returned value that is not an Error of its
    // own realm as data ("Expected Iterable"), and errors from node's net layer can be of another.
    if (host.getType<string>() === 'graphql') throw exception;
    // Nest's own answers (404 for an unknown path, the health check's 503) stay as they are. Errors
    // of Fastify's request handling (a body too large or not JSON), which Nest wraps in an
    // HttpException, and anything unexpected get the contract's error shape instead.
    const fromFastify = exception instanceof HttpException && exception.cause instanceof Error;
    if (exception instanceof HttpException && !fromFastify) return super.catch(exception, host);
    const http = host.switchToHttp();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    answerHttpFailure(status, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
