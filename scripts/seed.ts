/**
 * Synthetic data for a whole partnership: `npm run seed -- --families N [--seed S] [--as-of YYYY-MM-DD]`.
 * Writes into the configured database (DATABASE_URL, or the embedded one under DATA_DIR), after
 * applying the migrations. The same seed and as-of date always give the same data set.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildAppConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { openDatabase } from '../src/database/runtime.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { SEED_PASSWORD } from './seed/generate.js';
import { seedDatabase } from './seed/load.js';

const USAGE = 'usage: npm run seed -- --families N [--seed S] [--as-of YYYY-MM-DD]';

function parseOptions() {
  const { values } = parseArgs({
    options: {
      families: { type: 'string', default: '10000' },
      seed: { type: 'string', default: 'family-support' },
      'as-of': { type: 'string' },
    },
  });
  const families = Number(values.families);
  if (!Number.isInteger(families) || families < 1 || families > 5_000_000) throw new Error(USAGE);
  const today = new Date().toISOString().slice(0, 10);
  const asOfText = values['as-of'] ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOfText) || Number.isNaN(Date.parse(asOfText))) throw new Error(USAGE);
  return { families, seed: values.seed!, asOf: new Date(`${asOfText}T00:00:00Z`) };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const config = buildAppConfig(process.env);
  const runtime = await openDatabase(config);
  try {
    const dataSource = new DataSource(
      buildDataSourceOptions({ ...config, databaseUrl: runtime.databaseUrl }),
    );
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
    const client = new pg.Client({
      connectionString: runtime.databaseUrl,
      application_name: 'family-support-seed',
    });
    await client.connect();
    try {
      console.log(
        `seeding ${options.families.toLocaleString('en-GB')} families (seed "${options.seed}", as of ${options.asOf.toISOString().slice(0, 10)})`,
      );
      const summary = await seedDatabase(client, {
        ...options,
        passwordHash: await hashPassword(SEED_PASSWORD),
        log: (line) => console.log(line),
      });
      const pct = (n: number) => `${((100 * n) / summary.counts.referrals).toFixed(1)}%`;
      console.log(
        [
          `done in ${summary.seconds.toFixed(1)} s (${Object.entries(summary.phases)
            .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
            .join(', ')})`,
          ...Object.entries(summary.counts).map(
            ([t, n]) => `  ${t.padEnd(30)} ${n.toLocaleString('en-GB').padStart(12)}`,
          ),
          `  referral statuses: ${Object.entries(summary.referralStatuses)
            .map(([s, n]) => `${s} ${pct(n)}`)
            .join(', ')}`,
          `demo logins (password "${SEED_PASSWORD}"):`,
          ...summary.directory.demoLogins.map(
            (l) => `  ${l.email.padEnd(40)} ${l.role.padEnd(18)} ${l.note}`,
          ),
        ].join('\n'),
      );
    } finally {
      await client.end();
    }
  } finally {
    await runtime.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
