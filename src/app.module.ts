import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import { type AppConfig, validateEnvironment } from './config/app-config.js';
import { AppConfigModule } from './config/app-config.module.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { migrateWithLock } from './database/migrate.js';
import { AppGraphQLModule } from './graphql/graphql.module.js';
import { AuditModule, AuditQueryModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { DemoModule } from './modules/demo/demo.module.js';
import { DirectoryModule } from './modules/directory/directory.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { FEATURE_MODULES } from './feature-modules.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Fields that must never reach a log line. */
export const REDACTED_LOG_PATHS = [
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

/** pino-http options, plus a synchronous file destination when `config.logFile` is set. */
function withLogDestination(config: AppConfig, options: Options): Options | [Options, DestinationStream] {
  return config.logFile ? [options, pino.destination({ dest: config.logFile, sync: true })] : options;
}

@Module({})
export class AppModule {
  /** `config` is fully resolved (database URL and JWT secret known) before the module is built. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateEnvironment }),
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: withLogDestination(config, {
            level: config.logLevel,
            redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
            genReqId: (req: IncomingMessage) => {
              const given = req.headers['x-request-id'];
              return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
            },
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
          }),
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions(config),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.migrationsRun) await migrateWithLock(dataSource);
            return dataSource;
          },
        }),
        AppGraphQLModule.forRoot(config),
        AuditModule,
        AuditQueryModule,
        DirectoryModule,
        UsersModule,
        AuthModule,
        HealthModule,
        ...FEATURE_MODULES,
        DemoModule.forRoot(config),
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ transform: true, whitelist: true, forbidUnknownValues: false }),
        },
      ],
    };
  }
}
