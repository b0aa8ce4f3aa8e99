import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { createLogging } from './config/logging.js';
import { configureHttp } from './http.js';

/** Builds the Nest application for a fully resolved configuration (used by main and by the tests). */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const logging = createLogging(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logging), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app, config, logging.httpLogger);
  return app;
}
