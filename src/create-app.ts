import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { createLogging } from './config/logging.js';
import { configureHttp, fastifyOptions } from './http.js';

/** Builds the Nest application for a fully resolved configuration (used by main and by the tests). */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logging = createLogging(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logging),
    new FastifyAdapter(fastifyOptions(config)),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  configureHttp(app, logging.httpLogger);
  return app;
}
