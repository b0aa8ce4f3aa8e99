import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations.js';
import { StatementCounter } from './statement-counter.js';

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
    extra: {
      max: config.db.poolSize,
      // node-postgres waits forever for a pooled connection unless told otherwise.
      connectionTimeoutMillis: config.db.acquireTimeoutMs,
      idleTimeoutMillis: 30000,
      application_name: 'family-support-api',
      options: `-c statement_timeout=${config.db.statementTimeoutMs} -c idle_in_transaction_session_timeout=${config.db.statementTimeoutMs * 2} -c lock_timeout=${config.db.statementTimeoutMs}`,
    },
  };
}
