import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type AppConfig, buildAppConfig } from '../../src/config/app-config.js';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { ensureDatabase } from '../../src/database/runtime.js';
import { migrateDatabase, TEST_JWT_SECRET } from './test-app.js';
import { freePort } from './test-database.js';

export { freePort };

/**
 * A PostgreSQL cluster of a test's own, for tests that stop, crash and restart the server
 * (the shared test cluster must stay up for everyone else). fsync stays on: durability is
 * what these tests check.
 */
export interface FaultCluster {
  pg: EmbeddedPostgres;
  databaseUrl: string;
  /** Direct connections for arranging and checking; recreate after a restart. */
  client(): Promise<pg.Client>;
  destroy(): Promise<void>;
}

export async function startFaultCluster(label: string): Promise<FaultCluster> {
  const dir = join(resolve('.test-data'), `${label}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const cluster = new EmbeddedPostgres({ dir, port: await freePort() });
  await cluster.start();
  await ensureDatabase(cluster.url, 'faults');
  const databaseUrl = cluster.urlFor('faults');
  await migrateDatabase(databaseUrl);
  return {
    pg: cluster,
    databaseUrl,
    async client() {
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on('error', () => undefined); // a restart ends it; the test makes a new one
      await c.connect();
      return c;
    },
    async destroy() {
      await cluster.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The configuration an API on `databaseUrl` runs with in these tests. */
export function faultAppConfig(databaseUrl: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...buildAppConfig({ NODE_ENV: 'test' }),
    databaseUrl,
    embeddedDatabase: false,
    jwtSecret: TEST_JWT_SECRET,
    migrationsRun: false,
    demoData: false,
    schemaFile: true,
    ...overrides,
  };
}

/** Polls `probe` until it returns true; returns the milliseconds it took. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  limitMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Number of backends of `application_name` on the client's database waiting on a lock. */
export async function lockWaiters(
  client: pg.Client,
  applicationName = 'family-support-api',
): Promise<number> {
  // Activity statistics are a snapshot taken once per transaction; the caller is often in one.
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
    [applicationName],
  );
  return rows[0].n;
}

const exec = promisify(execFile);

/**
 * Compiles the API into a folder of this test run's own (not `dist/`, which others may be
 * rebuilding at the same moment) so tests can run `node <dir>/src/main.js` as a real process.
 * Type checking is `npm run typecheck`'s job; here only the JavaScript is needed.
 */
export async function buildApiOnce(): Promise<string> {
  const outDir = join(resolve('.test-data'), `dist-${process.pid}`);
  await exec(
    'npx',
    ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir, '--noCheck', '--incremental', 'false'],
    {
      cwd: resolve('.'),
    },
  );
  return join(outDir, 'src', 'main.js');
}
