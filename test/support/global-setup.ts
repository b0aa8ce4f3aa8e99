// Loaded by Jest outside its ESM module system: import TypeScript files by their .ts name,
// and only files without relative imports of their own (embedded-postgres.ts, test-database.ts).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.ts';
import { freePort } from './test-database.ts';

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, otherwise an embedded cluster.
 * The first test file migrates a template database, every file clones it (see test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = join(resolve('.test-data'), `cluster-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    // fsync off: test clusters are thrown away, durability tests start clusters of their own.
    const embedded = new EmbeddedPostgres({
      dir,
      port: await freePort(),
      settings: { fsync: 'off', max_connections: '300' },
    });
    await embedded.start();
    adminUrl = embedded.url;
    (globalThis as { __TEST_PG__?: EmbeddedPostgres }).__TEST_PG__ = embedded;
  }
  process.env.TEST_ADMIN_URL = adminUrl;
  process.env.TEST_TEMPLATE_DB = `fsa_test_template_${process.pid}`;
}
