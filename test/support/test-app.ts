import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { type AppConfig, buildAppConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import type { StatementCounter } from '../../src/database/statement-counter.js';
import {
  createDatabaseFromTemplate,
  dropTestDatabase,
  endPool,
  ensureTemplate,
  newTestDatabaseName,
  withDatabase,
} from './test-database.js';

/** Applies every migration to the database at `url`. */
export async function migrateDatabase(url: string): Promise<void> {
  const dataSource = new DataSource(
    buildDataSourceOptions({ ...buildAppConfig({ NODE_ENV: 'test' }), databaseUrl: url }),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

export const TEST_JWT_SECRET = 'test-secret-0123456789-0123456789-0123456789';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }[];
  body: any;
}

export interface SentStatement {
  sql: string;
  params: unknown[];
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Direct SQL on this file's database, for arranging data and for checking effects. */
  db: pg.Pool;
  databaseUrl: string;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  tokenFor(userId: string, options?: { expiresIn?: string | number }): string;
  /** SQL statements the API has sent so far (see StatementCounter). */
  statements(): number;
  /** Every SQL statement the API sends while `run` runs, with its parameters (in the order sent). */
  recordStatements(run: () => Promise<void>): Promise<SentStatement[]>;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template, and the API on it. */
export async function startTestApp(
  label: string,
  overrides: Partial<AppConfig> = {},
  env: Record<string, string> = {},
): Promise<TestApp> {
  const adminUrl = process.env.TEST_ADMIN_URL;
  const template = process.env.TEST_TEMPLATE_DB;
  if (!adminUrl || !template) throw new Error('the e2e global setup did not run');
  await ensureTemplate(adminUrl, template, migrateDatabase);
  const name = newTestDatabaseName(label);
  await createDatabaseFromTemplate(adminUrl, name, template);
  const databaseUrl = withDatabase(adminUrl, name);
  const config: AppConfig = {
    ...buildAppConfig({ NODE_ENV: 'test', ...env }),
    databaseUrl,
    embeddedDatabase: false,
    jwtSecret: TEST_JWT_SECRET,
    migrationsRun: false,
    demoData: false,
    // Built in memory: the one test that reads the emitted file passes a path of its own.
    schemaFile: true,
    ...overrides,
  };
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const jwt = app.get(JwtService);
  return {
    app,
    config,
    db,
    databaseUrl,
    async gql(query, variables, token) {
      const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      const res = await req.send({ query, variables });
      return { status: res.status, data: res.body?.data, errors: res.body?.errors, body: res.body };
    },
    statements() {
      return (app.get(DataSource).logger as StatementCounter).count;
    },
    async recordStatements(run) {
      // Every statement reaches the logger, whichever DataSource, EntityManager or transaction sends it.
      const logger = app.get(DataSource).logger as StatementCounter;
      const sent: SentStatement[] = [];
      const logQuery = logger.logQuery;
      logger.logQuery = ((sql: string, params?: unknown[]) => {
        sent.push({ sql, params: params ?? [] });
        logQuery.call(logger);
      }) as typeof logQuery;
      try {
        await run();
      } finally {
        logger.logQuery = logQuery;
      }
      return sent;
    },
    tokenFor(userId, options = {}) {
      return jwt.sign(
        { sub: userId },
        { jwtid: randomUUID(), expiresIn: (options.expiresIn ?? '1h') as '1h' },
      );
    },
    async close() {
      await app.close();
      await endPool(db);
      await dropTestDatabase(adminUrl, name);
    },
  };
}

/** The contract error code of the first error, for terse assertions. */
export const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;
