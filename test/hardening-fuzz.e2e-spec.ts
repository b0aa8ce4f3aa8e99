import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type IntrospectionQuery,
} from 'graphql';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import request from 'supertest';
import { ErrorCode } from '../src/common/errors.js';
import { Role } from '../src/common/enums.js';
import { createAgency, createArea, createFamily, createService, createUser } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Generates operations from the served schema, for every Query and Mutation field that
 * exists, with random and hostile variable values, and sends them as each role and
 * anonymously. Every answer must be data or a contract error code (never a 500, never
 * INTERNAL_SERVER_ERROR), and a refused mutation must leave every table unchanged.
 *
 * Tables a refused request may legitimately change: `audit_events` (denied reads are
 * audited) and `login_failures` (a refused sign-in is a counted failure).
 */
const MAY_GROW_ON_REFUSAL = new Set(['audit_events', 'login_failures']);
const ROUNDS_PER_FIELD_AND_ROLE = 8;
const LOG_FILE = join(resolve('.test-data'), `logs-${process.pid}`, 'hardening-fuzz.log');
const CONTRACT = new Set<string>(Object.values(ErrorCode));

/** Deterministic pseudo-random numbers, so a failure can be replayed from the seed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  "'; DROP TABLE families; --",
  "Robert'); DELETE FROM users WHERE ('1'='1",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '%_\\',
  '\u0000',
  'a\u0000b',
  '\u202eevil',
  '😀🇬🇧 Zoë Ñandú 名前 عربى',
  '\ud800',
  'x'.repeat(300),
  'y'.repeat(9_999),
  '../../etc/passwd',
  '{"$gt": ""}',
  'null',
  '-1',
  '2024-02-30',
  'not-a-date',
];
const HOSTILE_NUMBERS = [
  0,
  -1,
  1,
  7,
  -2147483648,
  2147483647,
  2147483648,
  1e308,
  -0.5,
  3.7,
  Number.MAX_SAFE_INTEGER,
];
const DATES = [
  '2024-01-01',
  '1900-01-01',
  '2999-12-31',
  '2024-02-30',
  '2024-13-01',
  '',
  'yesterday',
  '0000-00-00',
];
const DATE_TIMES = [
  '2024-01-01T10:00:00Z',
  '2024-03-31T01:30:00+01:00',
  '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '2024-02-30T00:00:00Z',
  'not a time',
  '',
];

interface Pools {
  ids: string[];
}

function generate(type: GraphQLInputType, rnd: () => number, pools: Pools, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const roll = rnd();
  // Wrong types and nulls, whatever the declared type.
  if (roll < 0.06) return null;
  if (roll < 0.1) return pick([42, 'text', true, [], {}, -1]);
  if (isNonNullType(type)) return generate(type.ofType, rnd, pools, depth);
  if (isListType(type)) {
    const length = pick([0, 0, 1, 2, 3, 60]);
    return Array.from({ length }, () => generate(type.ofType, rnd, pools, depth + 1));
  }
  if (isEnumType(type)) {
    return rnd() < 0.85 ? pick(type.getValues()).value : pick(['NOT_A_VALUE', 'admin', '']);
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (rnd() < 0.1) continue; // sometimes a required field is missing
      value[field.name] = generate(field.type, rnd, pools, depth + 1);
    }
    if (rnd() < 0.1) value.unknownField = 'x';
    return value;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return rnd() < 0.6 && pools.ids.length
          ? pick(pools.ids)
          : pick([
              'not-an-id',
              '',
              '00000000-0000-0000-0000-000000000000',
              crypto.randomUUID(),
              "1' OR '1'='1",
              123,
            ]);
      case 'Int':
      case 'Float':
        return pick(HOSTILE_NUMBERS);
      case 'Boolean':
        return pick([true, false, 'true', 0]);
      case 'Date':
        return pick(DATES);
      case 'DateTime':
        return pick(DATE_TIMES);
      default:
        return rnd() < 0.5 ? pick(HOSTILE_STRINGS) : `value-${Math.floor(rnd() * 1000)}`;
    }
  }
  return null;
}

/** Leaf fields of the returned type, and `__typename` of nested objects (enough to run every resolver at the root). */
function selectionFor(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return '';
  if (!isObjectType(type)) return '{ __typename }';
  const parts = Object.values(type.getFields())
    .filter((f) => !f.args.some((a) => isNonNullType(a.type)))
    .map((f) => (isLeafType(getNamedType(f.type)) ? f.name : `${f.name} { __typename }`));
  return `{ __typename ${parts.join(' ')} }`;
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args as readonly GraphQLArgument[];
  const declared = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${kind}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selectionFor(field)} }`;
}

describe('schema-driven fuzzing of every operation', () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  const actors: Record<string, string | undefined> = {};
  const pools: Pools = { ids: [] };
  let tables: string[] = [];

  beforeAll(async () => {
    // Error lines of the log are quoted in a failure report (they hold no values: see the privacy test).
    mkdirSync(dirname(LOG_FILE), { recursive: true });
    rmSync(LOG_FILE, { force: true });
    t = await startTestApp('hardfuzz', { logLevel: 'error', logFile: LOG_FILE });
    const area = await createArea(t.db);
    const agency = await createAgency(t.db);
    const service = await createService(t.db, agency.id, { areaIds: [area.id] });
    for (const role of Object.values(Role)) {
      const user = await createUser(t.db, {
        roles: [role],
        agencyId: role === Role.AGENCY_STAFF ? agency.id : null,
      });
      actors[role] = user.id;
    }
    actors.ANONYMOUS = undefined;
    // Targets for generated ids: never the callers themselves, so a random deactivateUser
    // or setUserRoles cannot lock a caller out and hide the rest of the run.
    const victim = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const family = await createFamily(t.db, { areaId: area.id, leadProfessionalId: victim.id });
    pools.ids.push(area.id, agency.id, service.id, victim.id, family.id);
    const members = await t.db.query('SELECT id FROM family_members WHERE family_id = $1', [family.id]);
    pools.ids.push(...members.rows.map((r: { id: string }) => r.id));

    const introspection = await t.gql<IntrospectionQuery>(
      getIntrospectionQuery(),
      {},
      t.tokenFor(actors.ADMIN!),
    );
    expect(introspection.errors).toBeUndefined();
    schema = buildClientSchema(introspection.data!);
    const { rows } = await t.db.query(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
        ORDER BY table_name`,
    );
    tables = rows.map((r: { table_name: string }) => r.table_name);
  });
  afterAll(async () => {
    await t.close();
    rmSync(LOG_FILE, { force: true });
  });

  /** One checksum per table: any insert, update or delete changes it. */
  async function snapshot(): Promise<Record<string, string>> {
    const sql = tables
      .map(
        (name) =>
          `SELECT '${name}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${name}" x`,
      )
      .join(' UNION ALL ');
    const { rows } = await t.db.query(sql);
    return Object.fromEntries(rows.map((r: { t: string; h: string }) => [r.t, r.h]));
  }

  it('answers every generated operation with data or a contract error, and refused mutations change nothing', async () => {
    const rnd = random(20261122);
    const problems: string[] = [];
    let sent = 0;
    let refusedMutations = 0;
    const roots: ['query' | 'mutation', GraphQLField<unknown, unknown>][] = [
      ...Object.values(schema.getQueryType()!.getFields()).map((f) => ['query', f] as ['query', typeof f]),
      ...Object.values(schema.getMutationType()!.getFields()).map(
        (f) => ['mutation', f] as ['mutation', typeof f],
      ),
    ];
    expect(roots.length).toBeGreaterThan(10);
    for (const [kind, field] of roots) {
      const query = operationFor(kind, field);
      for (const [role, userId] of Object.entries(actors)) {
        for (let round = 0; round < ROUNDS_PER_FIELD_AND_ROLE; round++) {
          const variables = Object.fromEntries(
            field.args.map((a) => [
              a.name,
              generate(getNullableType(a.type) === a.type ? a.type : a.type, rnd, pools),
            ]),
          );
          const before = kind === 'mutation' ? await snapshot() : undefined;
          const req = request(t.app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
          // A fresh token per request: a generated `logout` revokes only its own.
          if (userId) req.set('authorization', `Bearer ${t.tokenFor(userId)}`);
          const res = await req.send({ query, variables });
          sent++;
          const label = `${kind} ${field.name} as ${role} with ${JSON.stringify(variables).slice(0, 300)}`;
          if (![200, 400].includes(res.status)) problems.push(`${label}: HTTP ${res.status}`);
          const errors: { extensions?: { code?: string } }[] = res.body?.errors ?? [];
          if (!res.body || (res.body.data === undefined && errors.length === 0))
            problems.push(`${label}: no body`);
          for (const e of errors) {
            const code = e.extensions?.code ?? '';
            if (!CONTRACT.has(code) || code === 'INTERNAL_SERVER_ERROR') {
              const requestId = String((e.extensions as { requestId?: string })?.requestId);
              const logged = readFileSync(LOG_FILE, 'utf8')
                .split('\n')
                .filter((l) => l.includes(requestId) && l.includes('request failed'))
                .map((l) => l.slice(0, 600));
              problems.push(
                `${kind} ${field.name} as ${role} with ${JSON.stringify(variables)}: ${code} ${logged.join(' ')}`,
              );
            }
          }
          if (kind === 'mutation' && errors.length > 0 && !res.body?.data?.[field.name]) {
            refusedMutations++;
            const after = await snapshot();
            for (const table of tables) {
              if (!MAY_GROW_ON_REFUSAL.has(table) && before![table] !== after[table]) {
                problems.push(`${label}: refused but changed ${table}`);
              }
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBe(roots.length * Object.keys(actors).length * ROUNDS_PER_FIELD_AND_ROLE);
    expect(refusedMutations).toBeGreaterThan(0);
    // Still serving after all of it.
    const health = await request(t.app.getHttpServer()).get('/health');
    expect(health.status).toBe(200);
  }, 600_000);
});
