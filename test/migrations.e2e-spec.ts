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
});
