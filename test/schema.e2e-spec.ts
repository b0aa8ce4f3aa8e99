import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp } from './support/test-app.js';

/** The committed schema.gql must be what the code emits (npm run schema:update rewrites it). */
describe('schema.gql', () => {
  it('matches the schema the code emits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-'));
    const schemaFile = join(dir, 'schema.gql');
    const t = await startTestApp('schema', { schemaFile });
    try {
      const emitted = readFileSync(schemaFile, 'utf8');
      if (process.env.UPDATE_SCHEMA === '1') writeFileSync('schema.gql', emitted);
      expect(readFileSync('schema.gql', 'utf8')).toBe(emitted);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
