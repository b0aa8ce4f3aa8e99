import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config/app-config.js';
import { requestIdFor, type RequestMiddleware } from './config/logging.js';

/**
 * Fastify's options: the body size limit, the client address from X-Forwarded-For only behind a
 * trusted proxy, and the request id (`requestIdFor`). Its own logger stays off: request lines come
 * from pino-http in the hook below.
 */
export function fastifyOptions(config: AppConfig): FastifyServerOptions {
  return {
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    genReqId: requestIdFor,
    logger: false,
  };
}

/**
 * HTTP concerns outside GraphQL on every request, before its body is read: the request id in the
 * answer and in the log, and no caching (answers carry personal data). Bodies that cannot be read
 * are answered by `answerHttpFailure`.
 */
export function configureHttp(app: NestFastifyApplication, httpLogger: RequestMiddleware): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    (request.raw as { id?: unknown }).id = request.id;
    void reply.header('X-Request-Id', request.id);
    void reply.header('Cache-Control', 'no-store');
    httpLogger(request.raw, reply.raw, done);
  });
}

/**
 * The answer to a request that failed in HTTP handling, before GraphQL (a body that is too large
 * or not JSON): a JSON error in the contract's shape, never Fastify's message or a stack.
 */
export function answerHttpFailure(statusCode: number, request: FastifyRequest, reply: FastifyReply): void {
  const status = statusCode === 413 ? 413 : statusCode < 500 ? 400 : 500;
  const message =
    status === 413
      ? 'Request body too large'
      : status === 400
        ? 'Malformed request body'
        : 'Internal server error';
  const code = status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT';
  void reply.status(status).send({ errors: [{ message, extensions: { code, requestId: request.id } }] });
}
