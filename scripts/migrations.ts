/**
 * Migration commands that work on the embedded database as well as on DATABASE_URL:
 *   run        apply pending migrations
 *   generate N write migrations/<timestamp>-N.ts from the difference between entities and database
 *   check      exit 1 when the entities and the migrated database disagree
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildAppConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { pendingSchemaChanges, renderMigration } from '../src/database/schema-diff.js';
import { openDatabase } from '../src/database/runtime.js';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = buildAppConfig(process.env);
  const runtime = await openDatabase(config);
  const dataSource = new DataSource(buildDataSourceOptions({ ...config, databaseUrl: runtime.databaseUrl }));
  try {
    await dataSource.initialize();
    if (command === 'run') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      console.log(`applied ${applied.length} migration(s)${applied.map((m) => `\n  ${m.name}`).join('')}`);
    } else if (command === 'generate') {
      if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name))
        throw new Error('usage: migration:generate <PascalCaseName>');
      await dataSource.runMigrations({ transaction: 'each' });
      const diff = await pendingSchemaChanges(dataSource);
      if (diff.up.length === 0) {
        console.log('entities and migrations agree: nothing to generate');
      } else {
        const timestamp = Date.now();
        const file = join('migrations', `${timestamp}-${name}.ts`);
        writeFileSync(file, renderMigration(`${name}${timestamp}`, diff));
        console.log(`wrote ${file}: add it to src/database/migrations.ts, review it, commit it`);
      }
    } else if (command === 'check') {
      await dataSource.runMigrations({ transaction: 'each' });
      const diff = await pendingSchemaChanges(dataSource);
      if (diff.up.length > 0) {
        console.error(`entities and migrations disagree:\n${diff.up.join(';\n')}`);
        process.exitCode = 1;
      } else {
        console.log('entities and migrations agree');
      }
    } else {
      throw new Error('usage: migrations.js run | generate <Name> | check');
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await runtime.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
