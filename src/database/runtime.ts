import { join, resolve } from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export const EMBEDDED_DATABASE_NAME = 'family_support';

export interface DatabaseRuntime {
  databaseUrl: string;
  embedded?: EmbeddedPostgres;
  close(): Promise<void>;
}

/** Creates `name` on the server at `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * The database the API talks to: DATABASE_URL when set, otherwise an embedded PostgreSQL
 * whose files live in DATA_DIR/postgres and survive restarts.
 */
export async function openDatabase(config: AppConfig): Promise<DatabaseRuntime> {
  if (config.databaseUrl) return { databaseUrl: config.databaseUrl, close: async () => undefined };
  const embedded = new EmbeddedPostgres({
    dir: join(resolve(config.dataDir), 'postgres'),
    port: config.embeddedDbPort,
  });
  await embedded.start();
  try {
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { databaseUrl: embedded.urlFor(EMBEDDED_DATABASE_NAME), embedded, close: () => embedded.stop() };
}
