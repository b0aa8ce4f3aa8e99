/**
 * Loads the synthetic partnership into PostgreSQL in one transaction: the directory with
 * multi-row INSERTs, the families and their history with COPY. For speed the bulk tables'
 * indexes and foreign keys are dropped inside the transaction and rebuilt from their catalogue
 * definitions before it commits, which also re-validates every key, unique index (references,
 * one open lead professional assignment per family) and foreign key over the loaded rows.
 * A failure rolls everything back, definitions included.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import pgCopy from 'pg-copy-streams';
import {
  type Directory,
  type FamilyRows,
  generateDirectory,
  generateFamily,
  SEED_EMAIL_DOMAIN,
} from './generate.js';

export interface SeedOptions {
  families: number;
  seed: string;
  /** Every generated stamp lies before this instant (default: start of today, UTC). */
  asOf: Date;
  /** One bcrypt/argon2 hash shared by every seeded account (hashed once by the caller). */
  passwordHash: string;
  chunkSize?: number;
  log?: (line: string) => void;
}

export interface SeedSummary {
  seconds: number;
  phases: Record<string, number>;
  counts: Record<string, number>;
  referralStatuses: Record<string, number>;
  directory: Directory;
}

/** Bulk tables in load order (parents first). */
const BULK_TABLES = [
  'families',
  'family_members',
  'lead_professional_assignments',
  'consents',
  'consent_agencies',
  'support_packages',
  'referrals',
  'referral_children',
  'referral_events',
] as const;

const COLUMNS: Record<(typeof BULK_TABLES)[number], string> = {
  families: 'id, reference, name, area_id, lead_professional_id, created_by_id, created_at',
  family_members: 'id, family_id, given_name, family_name, date_of_birth, role, created_at',
  lead_professional_assignments: 'id, family_id, user_id, started_at, ended_at, reason, assigned_by_id',
  consents:
    'id, family_id, given_by_member_id, scope, purpose, given_at, expires_at, withdrawn_at, recorded_by_id, created_at',
  consent_agencies: 'consent_id, agency_id',
  support_packages:
    'id, family_id, lead_professional_id, goals, status, review_date, created_by_id, created_at, closed_at',
  referrals:
    'id, reference, family_id, service_id, agency_id, referred_by_id, package_id, reason, urgency, status, version, ' +
    'shared_without_consent, share_without_consent_reason, created_at, received_at, previous_received_at, decided_at, ' +
    'decline_reason, started_at, closed_at, outcome, withdraw_reason',
  referral_children: 'referral_id, member_id',
  referral_events: 'id, referral_id, status, at, actor_id, note, recorded_at',
};

const fmt = (n: number) => n.toLocaleString('en-GB');

/** Multi-row INSERT in batches (the directory is small). */
async function insertRows(
  client: pg.ClientBase,
  table: string,
  columns: string[],
  rows: unknown[][],
  casts: string[] = [],
) {
  for (let start = 0; start < rows.length; start += 500) {
    const batch = rows.slice(start, start + 500);
    const params: unknown[] = [];
    const values = batch.map(
      (row) =>
        `(${row
          .map((value, i) => {
            params.push(value);
            return `$${params.length}${casts[i] ? `::${casts[i]}` : ''}`;
          })
          .join(', ')})`,
    );
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
  }
}

async function insertDirectory(client: pg.ClientBase, dir: Directory, passwordHash: string): Promise<void> {
  await insertRows(
    client,
    'areas',
    ['id', 'code', 'name', 'child_population'],
    dir.areas.map((a) => [a.id, a.code, a.name, a.childPopulation]),
  );
  await insertRows(
    client,
    'agencies',
    ['id', 'name', 'kind'],
    dir.agencies.map((a) => [a.id, a.name, a.kind]),
  );
  await insertRows(
    client,
    'services',
    [
      'id',
      'agency_id',
      'name',
      'description',
      'category',
      'min_age_years',
      'max_age_years',
      'waiting_time_target_days',
      'accepting_referrals',
    ],
    dir.services.map((s) => [
      s.id,
      s.agencyId,
      s.name,
      null,
      s.category,
      s.min,
      s.max,
      s.targetDays,
      s.accepting,
    ]),
  );
  await insertRows(
    client,
    'service_areas',
    ['service_id', 'area_id'],
    dir.services.flatMap((s) => (s.areas ?? []).map((a) => [s.id, dir.areas[a].id])),
  );
  await insertRows(
    client,
    'users',
    ['id', 'email', 'name', 'password_hash', 'roles', 'agency_id', 'active'],
    dir.users.map((u) => [u.id, u.email, u.name, passwordHash, u.roles, u.agencyId, u.active]),
    ['uuid', 'text', 'text', 'text', 'user_role[]', 'uuid', 'boolean'],
  );
}

interface Definition {
  table: string;
  name: string;
  sql: string;
}

/**
 * Drops the bulk tables' foreign keys (also those pointing at them), primary/unique
 * constraints and indexes, returning what recreates them in a valid order.
 */
async function dropKeysAndIndexes(client: pg.ClientBase): Promise<Definition[]> {
  const tables = [...BULK_TABLES];
  const { rows: fks } = await client.query<{ tbl: string; name: string; def: string }>(
    `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
       FROM pg_constraint
      WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))
      ORDER BY conrelid::regclass::text, conname`,
    [tables],
  );
  const { rows: keys } = await client.query<{ tbl: string; name: string; def: string }>(
    `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
       FROM pg_constraint
      WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY($1)
      ORDER BY conrelid::regclass::text, conname`,
    [tables],
  );
  const { rows: indexes } = await client.query<{ tbl: string; name: string; def: string }>(
    `SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
      WHERE i.indrelid::regclass::text = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
      ORDER BY 1, 2`,
    [tables],
  );
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  for (const fk of fks) await client.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${q(fk.name)}`);
  for (const key of keys) await client.query(`ALTER TABLE ${key.tbl} DROP CONSTRAINT ${q(key.name)}`);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  return [
    ...keys.map((k) => ({
      table: k.tbl,
      name: k.name,
      sql: `ALTER TABLE ${k.tbl} ADD CONSTRAINT ${q(k.name)} ${k.def}`,
    })),
    ...indexes.map((i) => ({ table: i.tbl, name: i.name, sql: i.def })),
    ...fks.map((f) => ({
      table: f.tbl,
      name: f.name,
      sql: `ALTER TABLE ${f.tbl} ADD CONSTRAINT ${q(f.name)} ${f.def}`,
    })),
  ];
}

async function copyInto(
  client: pg.ClientBase,
  table: string,
  columns: string,
  lines: string[],
): Promise<void> {
  if (!lines.length) return;
  const sink = client.query(pgCopy.from(`COPY ${table} (${columns}) FROM STDIN`));
  // Batches of lines keep each write large without building one huge string.
  function* batches() {
    for (let i = 0; i < lines.length; i += 2000) yield lines.slice(i, i + 2000).join('\n') + '\n';
  }
  await pipeline(Readable.from(batches()), sink);
}

async function nextReferences(
  client: pg.ClientBase,
  sequence: string,
  prefix: string,
  n: number,
): Promise<string[]> {
  if (!n) return [];
  const { rows } = await client.query<{ n: string }>(
    `SELECT nextval('${sequence}')::text AS n FROM generate_series(1, $1::int)`,
    [n],
  );
  // Zero-padded to six digits, never truncated: REF-1000000 follows REF-999999.
  return rows.map((row) => `${prefix}${row.n.padStart(6, '0')}`);
}

async function writeChunk(client: pg.ClientBase, chunk: FamilyRows[]): Promise<void> {
  const familyRefs = await nextReferences(client, 'family_reference_seq', 'FAM-', chunk.length);
  const referralCount = chunk.reduce((sum, f) => sum + f.referrals.length, 0);
  const referralRefs = await nextReferences(client, 'referral_reference_seq', 'REF-', referralCount);
  let k = 0;
  const tables: Record<(typeof BULK_TABLES)[number], string[]> = {
    families: chunk.map((f, i) => `${f.family.id}\t${familyRefs[i]}\t${f.family.rest}`),
    family_members: chunk.flatMap((f) => f.members),
    lead_professional_assignments: chunk.flatMap((f) => f.assignments),
    consents: chunk.flatMap((f) => f.consents),
    consent_agencies: chunk.flatMap((f) => f.consentAgencies),
    support_packages: chunk.flatMap((f) => f.packages),
    referrals: chunk.flatMap((f) => f.referrals.map((x) => `${x.id}\t${referralRefs[k++]}\t${x.rest}`)),
    referral_children: chunk.flatMap((f) => f.referralChildren),
    referral_events: chunk.flatMap((f) => f.events),
  };
  for (const table of BULK_TABLES) await copyInto(client, table, COLUMNS[table], tables[table]);
}

export async function seedDatabase(client: pg.ClientBase, options: SeedOptions): Promise<SeedSummary> {
  const log = options.log ?? (() => undefined);
  const chunkSize = options.chunkSize ?? 2000;
  const started = performance.now();
  const phases: Record<string, number> = {};
  let phaseStart = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = (now - phaseStart) / 1000;
    phaseStart = now;
  };

  const { rows: existing } = await client.query('SELECT 1 FROM users WHERE email LIKE $1 LIMIT 1', [
    `%@${SEED_EMAIL_DOMAIN}`,
  ]);
  if (existing.length) {
    throw new Error(
      'this database already holds seeded data: seed an empty database (another DATA_DIR or DATABASE_URL)',
    );
  }
  const dir = generateDirectory(options.seed);
  const ctx = { seed: options.seed, dir, asOf: options.asOf.getTime() };

  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL synchronous_commit = off`);
    await client.query(`SET LOCAL statement_timeout = 0`);
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await insertDirectory(client, dir, options.passwordHash);
    log(
      `directory: ${dir.areas.length} areas, ${dir.agencies.length} agencies, ${dir.services.length} services, ${fmt(dir.users.length)} users`,
    );
    // A running API holding these tables makes the DDL wait; fail clearly instead of hanging.
    await client.query(`SET LOCAL lock_timeout = '15s'`);
    const definitions = await dropKeysAndIndexes(client);
    // Without their indexes the receipt triggers would scan the table for every row; the
    // generator writes previous_received_at itself (the seed test checks it against the database).
    await client.query('ALTER TABLE referrals DISABLE TRIGGER USER');
    await client.query(`SET LOCAL lock_timeout = 0`);
    phase('directory');

    let referrals = 0;
    let lastReport = performance.now();
    let inflight: Promise<void> = Promise.resolve();
    for (let first = 0; first < options.families; first += chunkSize) {
      const chunk: FamilyRows[] = [];
      for (let i = first; i < Math.min(options.families, first + chunkSize); i++)
        chunk.push(generateFamily(ctx, i));
      referrals += chunk.reduce((sum, f) => sum + f.referrals.length, 0);
      // Generating the next chunk overlaps with the server ingesting the previous one.
      await inflight;
      inflight = writeChunk(client, chunk);
      const done = Math.min(options.families, first + chunkSize);
      if (performance.now() - lastReport > 3000 || done === options.families) {
        lastReport = performance.now();
        const secs = (lastReport - started) / 1000;
        log(
          `  families ${fmt(done)}/${fmt(options.families)}, referrals ${fmt(referrals)} (${secs.toFixed(1)} s)`,
        );
      }
    }
    await inflight;
    phase('copy');

    log(`rebuilding ${definitions.length} keys, indexes and foreign keys (checks every row)`);
    for (const d of definitions) await client.query(d.sql);
    await client.query('ALTER TABLE referrals ENABLE TRIGGER USER');
    phase('indexes');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  // VACUUM as well: the visibility map it sets (as autovacuum would on a live system) enables index-only scans.
  await client.query('VACUUM (ANALYZE)');
  phase('analyze');

  const counts: Record<string, number> = {};
  for (const table of ['areas', 'agencies', 'services', 'users', ...BULK_TABLES]) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
    counts[table] = Number(rows[0].n);
  }
  const { rows: statuses } = await client.query<{ status: string; n: string }>(
    'SELECT status::text, count(*)::text AS n FROM referrals GROUP BY 1 ORDER BY 1',
  );
  return {
    seconds: (performance.now() - started) / 1000,
    phases,
    counts,
    referralStatuses: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
    directory: dir,
  };
}
