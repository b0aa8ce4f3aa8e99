import { DataSource } from 'typeorm';
import { buildAppConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { pendingSchemaChanges } from '../src/database/schema-diff.js';
import { startTestApp } from './support/test-app.js';

describe('migrations', () => {
  it('leave nothing for the entities to change (entities and migrations agree)', async () => {
    const t = await startTestApp('migrations');
    const dataSource = new DataSource(
      buildDataSourceOptions({ ...buildAppConfig({ NODE_ENV: 'test' }), databaseUrl: t.databaseUrl }),
    );
    try {
      await dataSource.initialize();
      const diff = await pendingSchemaChanges(dataSource);
      expect(diff.up).toEqual([]);
    } finally {
      await dataSource.destroy();
      await t.close();
    }
  });

  it('have autovacuum keep the visibility map of referrals fresh for the index-only metrics scans', async () => {
    const t = await startTestApp('migrationsvacuum');
    try {
      const { rows } = await t.db.query(`SELECT reloptions FROM pg_class WHERE oid = 'referrals'::regclass`);
      expect([...rows[0].reloptions].sort()).toEqual([
        'autovacuum_analyze_scale_factor=0.01',
        'autovacuum_vacuum_insert_scale_factor=0.002',
        'autovacuum_vacuum_scale_factor=0.002',
      ]);
    } finally {
      await t.close();
    }
  });
});
