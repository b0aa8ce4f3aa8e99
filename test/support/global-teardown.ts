import { rmSync } from 'node:fs';
import pg from 'pg';
import type { EmbeddedPostgres } from '../../src/database/embedded-postgres.ts';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __TEST_PG__?: EmbeddedPostgres }).__TEST_PG__;
  if (embedded) {
    await embedded.stop('immediate');
    rmSync(embedded.dir, { recursive: true, force: true });
    return;
  }
  const template = process.env.TEST_TEMPLATE_DB;
  if (process.env.TEST_ADMIN_URL && template && /^fsa_test_template_\d+$/.test(template)) {
    const client = new pg.Client({ connectionString: process.env.TEST_ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await client.end();
  }
}
