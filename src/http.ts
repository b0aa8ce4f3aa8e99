import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppConfig } from './config/app-config.js';
import type { RequestMiddleware } from './config/logging.js';

/**
 * HTTP concerns outside GraphQL: request logging and ids, no caching, body size limit, JSON errors
 * for bodies that cannot be parsed (never an HTML page or a stack trace).
 */
export function configureHttp(app: INestApplication, config: AppConfig, httpLogger: RequestMiddleware): void {
  const server = app as NestExpressApplication;
  server.disable('x-powered-by');
  // Answers carry personal data and are read fresh each time: no cache may keep them, and
  // Express need not hash every body for an ETag.
  server.set('etag', false);
  if (config.trustProxy) server.set('trust proxy', true);
  server.use(httpLogger);
  server.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    if (req.id) res.setHeader('X-Request-Id', String(req.id));
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  server.use(express.json({ limit: config.bodyLimit }));
  server.use(
    (
      error: { status?: number; type?: string },
      req: Request & { id?: string },
      res: Response,
      next: NextFunction,
    ) => {
      if (!error) return next();
      const status = error.status === 413 ? 413 : error.status && error.status < 500 ? 400 : 500;
      const message =
        status === 413
          ? 'Request body too large'
          : status === 400
            ? 'Malformed request body'
            : 'Internal server error';
      const code = status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT';
      res.status(status).json({ errors: [{ message, extensions: { code, requestId: req.id } }] });
    },
  );
}
