import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';

/** Only databases whose names carry this prefix are ever created or dropped by the tests. */
export const TEST_DATABASE_PREFIX = 'fsa_test_';

export function assertTestDatabaseName(name: string): void {
  if (!/^fsa_test_[a-z0-9_]+$/.test(name)) {
    throw new Error(`refusing to create or drop "${name}": not a test database name`);
  }
}

export const newTestDatabaseName = (label: string) =>
  `${TEST_DATABASE_PREFIX}${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;

/** Replaces the database name of a postgres:// URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Any fixed number: test files serialise on it while the template is first migrated. */
const TEMPLATE_LOCK = 727_002;

/** Creates and migrates the template database once per run, whichever test file gets there first. */
export async function ensureTemplate(
  adminUrl: string,
  template: string,
  migrate: (url: string) => Promise<void>,
) {
  assertTestDatabaseName(template);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${template}_wip"`);
      await migrate(withDatabase(adminUrl, `${template}_wip`));
      await client.query(`ALTER DATABASE "${template}_wip" RENAME TO "${template}"`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

export async function createDatabaseFromTemplate(
  adminUrl: string,
  name: string,
  template: string,
): Promise<void> {
  assertTestDatabaseName(name);
  assertTestDatabaseName(template);
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
}

/**
 * Ends a pool and waits until every one of its connections has closed. `pool.end()` alone
 * resolves while the connections are still saying goodbye; a `DROP DATABASE … WITH (FORCE)`
 * right after it can then terminate one of them, and the pool would raise that as an
 * unhandled error.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolveClosed) => {
    if (open === 0) resolveClosed();
    pool.on('remove', () => {
      if (--open === 0) resolveClosed();
    });
  });
  // A connection terminated while closing is the outcome wanted here, not a fault.
  pool.on('error', () => undefined);
  await pool.end();
  await closed;
}

export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  assertTestDatabaseName(name);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** A TCP port that was free a moment ago, for a cluster or an API process of a test. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
