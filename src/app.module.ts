import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { type AppConfig, validateEnvironment } from './config/app-config.js';
import { AppConfigModule } from './config/app-config.module.js';
import type { AppLogging } from './config/logging.js';
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

@Module({})
export class AppModule {
  /** `config` is fully resolved (database URL and JWT secret known) before the module is built. */
  static forRoot(config: AppConfig, logging: AppLogging): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateEnvironment }),
        AppConfigModule.forRoot(config),
        // The application logger only; request logging is mounted in http.ts (see config/logging.ts).
        LoggerModule.forRoot({ pinoHttp: { logger: logging.logger }, forRoutes: [] }),
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
