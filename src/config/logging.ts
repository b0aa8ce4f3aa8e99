import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import type { AppConfig } from './app-config.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Fields that must never reach a log line. */
const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'req.body',
  '*.password',
  '*.token',
  '*.variables',
  // A database error carries the statement, its parameters and the offending key values.
  'err.query',
  'err.parameters',
  'err.driverError',
  'err.detail',
];

/** Connect-style middleware over Node's own request and response (what pino-http is). */
export type RequestMiddleware = (
  req: IncomingMessage & { id?: unknown },
  res: ServerResponse,
  next: () => void,
) => void;

export interface AppLogging {
  /** The one pino logger of the process; nestjs-pino's application logger writes through it. */
  logger: Logger;
  /**
   * Gives each request its id and, when the level lets request lines through, logs one line per
   * request; called on the raw request from the first `onRequest` hook (src/http.ts).
   */
  httpLogger: RequestMiddleware;
}

/** The id already given (by Fastify, from this function), else the caller's X-Request-Id when it is a plain token, else a new one. */
export function requestIdFor(req: IncomingMessage & { id?: unknown }): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The request logger is plain pino-http middleware rather than nestjs-pino's, because nestjs-pino
 * binds every request to an AsyncLocalStorage store. On Node 20 that switches on promise hooks
 * for the whole process, which cost about a third of the API's throughput in the benchmark
 * (BENCHMARKS.md). Nothing needs the store: logs written during a request name its id themselves.
 */
export function createLogging(config: AppConfig): AppLogging {
  const options = { level: config.logLevel, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
  const logger = config.logFile
    ? pino(options, pino.destination({ dest: config.logFile, sync: true }))
    : pino(options);
  // Request lines are written at info. Below that level pino-http would still build a child logger
  // and serialise its bindings for every request (a few per cent of the API's CPU in a profile of
  // the family page) only to write nothing, so the request then just gets its id.
  if (!logger.isLevelEnabled('info')) {
    const idOnly: RequestMiddleware = (req, _res, next) => {
      req.id ??= requestIdFor(req);
      next();
    };
    return { logger, httpLogger: idOnly };
  }
  const httpLogger: HttpLogger = pinoHttp({
    logger,
    genReqId: requestIdFor,
    // Only method, path and status: URLs of this API carry no personal data, bodies are not logged.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  });
  return { logger, httpLogger };
}
