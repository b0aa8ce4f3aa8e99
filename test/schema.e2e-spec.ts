import { readFileSync, writeFileSync } from 'node:fs';
import { startTestApp } from './support/test-app.js';

/** The committed schema.gql must be what the code serves (npm run schema:update rewrites it). */
describe('schema.gql', () => {
  it('matches the schema the code emits', async () => {
    const t = await startTestApp('schema');
    try {
      const emitted = readFileSync(t.config.schemaFile as string, 'utf8');
      if (process.env.UPDATE_SCHEMA === '1') writeFileSync('schema.gql', emitted);
      expect(readFileSync('schema.gql', 'utf8')).toBe(emitted);
    } finally {
      await t.close();
    }
  });
});
