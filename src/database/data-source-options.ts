import { Logger } from '@nestjs/common';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations.js';
import { PreparingClient, TextStatementClient } from './prepared-statements.js';
import { StatementCounter } from './statement-counter.js';

const poolLogger = new Logger('Database');

/** Pooled connections kept open however long they sit idle. */
export const IDLE_CONNECTIONS_KEPT = 2;

type DatabaseSettings = Pick<AppConfig, 'databaseUrl' | 'db' | 'migrationsRun'>;

/**
 * One definition of the connection for the API, the CLI scripts and the tests.
 * Query logging stays off: TypeORM appends every parameter to its log lines, and
 * parameters hold personal data.
 */
export function buildDataSourceOptions(config: DatabaseSettings): DataSourceOptions {
  if (!config.databaseUrl) throw new Error('buildDataSourceOptions: no database URL');
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; extensions are created by migrations, not at connect.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    logging: false,
    logger: new StatementCounter(),
    // An idle pooled connection dies when PostgreSQL restarts; the pool drops it and opens a
    // new one on demand (without a listener node-postgres would crash the process). Only the
    // error code is logged: messages can quote values.
    poolErrorHandler: (error: Error & { code?: string }) =>
      poolLogger.warn(`idle database connection lost (${error.code ?? error.name})`),
    extra: {
      max: config.db.poolSize,
      // node-postgres waits forever for a pooled connection unless told otherwise.
      connectionTimeoutMillis: config.db.acquireTimeoutMs,
      idleTimeoutMillis: 30000,
      // Connections beyond these two close after 30 s idle. These two stay open, so a request after a
      // quiet spell (the usual case outside office peaks) needs no new connection: a new one costs
      // the sign-in to PostgreSQL and preparing its statements again (see BENCHMARKS.md).
      min: Math.min(IDLE_CONNECTIONS_KEPT, config.db.poolSize),
      // Notices a peer that vanished without closing the connection (network partition, host crash).
      keepAlive: true,
      application_name: 'family-support-api',
      // Statements marked with `prepared` go by name (see prepared-statements.ts); off, every
      // statement is sent as text (for a pooler that does not keep prepared statements).
      Client: config.db.preparedStatements ? PreparingClient : TextStatementClient,
      options: `-c statement_timeout=${config.db.statementTimeoutMs} -c idle_in_transaction_session_timeout=${config.db.statementTimeoutMs * 2} -c lock_timeout=${config.db.statementTimeoutMs}`,
    },
  };
}
