/**
 * `npm run bench`: seeds (once) a benchmark database in its own data folder, starts the API in
 * production mode on it, the hand-written SQL ceiling and PostGraphile beside it, drives them with
 * autocannon over loopback (the read scenarios back to back per number of connections; the
 * metrics and writes on the API alone), and writes BENCHMARKS.md.
 *
 *   --families N        data size (default 200000); the data set is reused while N and --seed match
 *   --seed S            generator seed (default family-support)
 *   --seconds S         duration of each measured run (default 10)
 *   --connections LIST  default 1,8,32
 *   --scenarios LIST    default 1,2,3,4
 *   --no-peer, --no-ceiling   skip a comparison
 *   --reseed            rebuild the data set even when it matches
 *   --out FILE          default BENCHMARKS.md (use --out - to skip writing it)
 *   --data-dir DIR      default .data-bench; --db-port (54339), --port (3101; +1 ceiling, +2 peer)
 *   --api-entry FILE    the API build to start (default dist/src/main.js), to compare a changed build
 *   --api-node-args=…   Node options for the API process (default as in production: --max-old-space-size=192 --max-semi-space-size=16)
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildAppConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { EMBEDDED_DATABASE_NAME, ensureDatabase } from '../src/database/runtime.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { SEED_PASSWORD } from '../scripts/seed/generate.js';
import { seedDatabase } from '../scripts/seed/load.js';
import {
  CpuNoise,
  CpuTime,
  type LoadResult,
  RssSampler,
  rotating,
  type RequestSpec,
  rssMiB,
  runLoad,
  sendOnce,
} from './load.js';
import { type BenchReport, type ScenarioRun, writeReport } from './report.js';
import { gql, login, PRODUCTION_NODE_ARGS, type Running, startServer, stopServer } from './servers.js';
import {
  BENCHMARK_REASON,
  CREATE_REFERRAL,
  FAMILY_PAGE,
  type Fixtures,
  INBOX,
  loadFixtures,
  PEER_FAMILY_PAGE,
  PEER_INBOX,
  REFERRAL_METRICS,
  removeBenchmarkWrites,
  SEND_REFERRAL,
  WAITING_METRICS,
  writeRequests,
} from './scenarios.js';

const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function options() {
  const { values } = parseArgs({
    options: {
      families: { type: 'string', default: '200000' },
      seed: { type: 'string', default: 'family-support' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '1,8,32' },
      scenarios: { type: 'string', default: '1,2,3,4' },
      'no-peer': { type: 'boolean', default: false },
      'no-ceiling': { type: 'boolean', default: false },
      reseed: { type: 'boolean', default: false },
      out: { type: 'string', default: 'BENCHMARKS.md' },
      'data-dir': { type: 'string', default: '.data-bench' },
      'db-port': { type: 'string', default: '54339' },
      port: { type: 'string', default: '3101' },
      'api-entry': { type: 'string', default: 'dist/src/main.js' },
      'api-node-args': { type: 'string', default: PRODUCTION_NODE_ARGS },
    },
  });
  return {
    families: Number(values.families),
    seed: values.seed!,
    seconds: Number(values.seconds),
    connections: values.connections!.split(',').map(Number),
    scenarios: new Set(values.scenarios!.split(',').map((s) => s.trim())),
    peer: !values['no-peer'],
    ceiling: !values['no-ceiling'],
    reseed: values.reseed!,
    out: values.out!,
    dataDir: resolve(values['data-dir']!),
    dbPort: Number(values['db-port']),
    port: Number(values.port),
    apiEntry: values['api-entry']!,
    apiNodeArgs: values['api-node-args']!.split(' ').filter(Boolean),
  };
}
type Options = ReturnType<typeof options>;

// ---------------------------------------------------------------------------------------------
// Database

async function migrate(url: string): Promise<void> {
  const config = buildAppConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
  const dataSource = new DataSource(buildDataSourceOptions({ ...config, databaseUrl: url }));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

interface SeedMeta {
  families: number;
  seed: string;
  asOf: string;
  seconds: number;
  phases: Record<string, number>;
}

async function prepareDatabase(
  opts: Options,
  server: EmbeddedPostgres,
): Promise<{ url: string; meta: SeedMeta }> {
  const metaFile = join(opts.dataDir, 'bench-seed.json');
  const url = server.urlFor(EMBEDDED_DATABASE_NAME);
  let meta: SeedMeta | null = existsSync(metaFile)
    ? (JSON.parse(readFileSync(metaFile, 'utf8')) as SeedMeta)
    : null;
  if (!opts.reseed && meta && meta.families === opts.families && meta.seed === opts.seed) {
    await ensureDatabase(server.url, EMBEDDED_DATABASE_NAME);
    await migrate(url);
    log(`reusing the data set: ${meta.families} families, seed "${meta.seed}", as of ${meta.asOf}`);
    return { url, meta };
  }
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${EMBEDDED_DATABASE_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE_NAME}`);
  await admin.end();
  await migrate(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const asOf = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    log(`seeding ${opts.families} families (seed "${opts.seed}")`);
    const summary = await seedDatabase(client, {
      families: opts.families,
      seed: opts.seed,
      asOf,
      passwordHash: await hashPassword(SEED_PASSWORD),
      log: (line) => log(line),
    });
    meta = {
      families: opts.families,
      seed: opts.seed,
      asOf: asOf.toISOString().slice(0, 10),
      seconds: summary.seconds,
      phases: summary.phases,
    };
    writeFileSync(metaFile, JSON.stringify(meta, null, 2));
    log(`seeded in ${summary.seconds.toFixed(1)} s`);
  } finally {
    await client.end();
  }
  return { url, meta };
}

// ---------------------------------------------------------------------------------------------
// Requests per scenario and server

type Target = 'api' | 'ceiling' | 'peer';
const json = (value: unknown) => JSON.stringify(value);

function familySpecs(
  target: Target,
  fx: Fixtures,
  tokens: Map<string, string>,
  list = fx.familyPages,
): RequestSpec[] {
  return list.map((f) => {
    const token = tokens.get(f.leadEmail);
    if (target === 'ceiling') return { path: '/family', body: json({ id: f.familyId }), token };
    if (target === 'peer')
      return { path: '/graphql', body: json({ query: PEER_FAMILY_PAGE, variables: { id: f.familyId } }) };
    return { path: '/graphql', body: json({ query: FAMILY_PAGE, variables: { id: f.familyId } }), token };
  });
}

function inboxSpecs(target: Target, fx: Fixtures, tokens: Map<string, string>, first = 50): RequestSpec[] {
  return fx.inboxes.map((i) => {
    const token = tokens.get(i.staffEmail);
    if (target === 'ceiling') return { path: '/inbox', body: json({ agencyId: i.agencyId, first }), token };
    if (target === 'peer')
      return {
        path: '/graphql',
        body: json({ query: PEER_INBOX, variables: { agencyId: i.agencyId, first } }),
      };
    return {
      path: '/graphql',
      body: json({ query: INBOX, variables: { agencyId: i.agencyId, first } }),
      token,
    };
  });
}

function metricsSpecs(fx: Fixtures, tokens: Map<string, string>) {
  const token = tokens.get(fx.board.email);
  const all = { from: fx.period.from, to: fx.period.to };
  const agency = { ...all, agencyId: fx.metricsAgencyId };
  return [
    {
      id: '3a',
      label: 'referralMetrics, all areas',
      spec: { query: REFERRAL_METRICS, variables: { filter: all } },
    },
    {
      id: '3b',
      label: 'waitingTimeMetrics, all areas',
      spec: { query: WAITING_METRICS, variables: { filter: all } },
    },
    {
      id: '3c',
      label: 'referralMetrics, one agency',
      spec: { query: REFERRAL_METRICS, variables: { filter: agency } },
    },
    {
      id: '3d',
      label: 'waitingTimeMetrics, one agency',
      spec: { query: WAITING_METRICS, variables: { filter: agency } },
    },
  ].map((m) => ({ ...m, specs: [{ path: '/graphql', body: json(m.spec), token }] as RequestSpec[] }));
}

/** Sends each request once and fails loudly when a response carries errors or no data. */
async function validate(label: string, url: string, specs: RequestSpec[], count = 5): Promise<string> {
  let summary = '';
  for (const spec of specs.slice(0, count)) {
    const { status, text } = await sendOnce(url, spec);
    const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: unknown };
    const data = body.data ? Object.values(body.data)[0] : null;
    if (status !== 200 || body.errors || !data) {
      throw new Error(`${label}: unexpected response ${status}: ${text.slice(0, 600)}`);
    }
    summary ||= text;
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------
// SQL statements per request (pg_stat_statements)

async function statementsPerRequest(db: pg.Pool, url: string, specs: RequestSpec[]): Promise<number> {
  // Each request once beforehand: the API reads the caller on a sign-in's first request only,
  // and the runs measure the requests after it.
  for (const spec of specs) await sendOnce(url, spec);
  await db.query('SELECT pg_stat_statements_reset()');
  for (const spec of specs) {
    await sendOnce(url, spec);
  }
  // Statistics reach the view when a backend finishes its statement; give stragglers a moment.
  await sleep(200);
  const { rows } = await db.query<{ calls: string }>(
    `SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%pg_stat_statements%'`,
  );
  return Number(rows[0].calls) / specs.length;
}

async function statementBreakdown(
  db: pg.Pool,
  url: string,
  specs: RequestSpec[],
): Promise<{ query: string; perRequest: number }[]> {
  await statementsPerRequest(db, url, specs);
  const { rows } = await db.query<{ query: string; calls: string }>(
    `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query, calls::text FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%pg_stat_statements%'
      ORDER BY calls DESC, query LIMIT 25`,
  );
  return rows.map((r) => ({ query: r.query, perRequest: Number(r.calls) / specs.length }));
}

// ---------------------------------------------------------------------------------------------

/**
 * Waits until the database has no statement running for us: requests still in flight when a run
 * ends (long metrics queries, queued pool waiters) must not spill into the next measurement.
 */
let settlePool: pg.Pool | undefined;
async function settle(): Promise<void> {
  if (!settlePool) return;
  const deadline = Date.now() + 120_000;
  let quiet = 0;
  while (Date.now() < deadline && quiet < 4) {
    const { rows } = await settlePool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
    );
    quiet = rows[0].n === 0 ? quiet + 1 : 0;
    await sleep(250);
  }
}

function postmasterPid(opts: Options): number {
  try {
    return Number(
      readFileSync(join(opts.dataDir, 'postgres', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
  } catch {
    return 0;
  }
}

/**
 * A short run that is not recorded, right before each recorded one and at its number of
 * connections: the server's code is compiled and its heap grown for this load again after it
 * sat idle while the other servers ran, and what the previous run left running (a collection in
 * the server measured before) ends before the measurement starts.
 */
async function warmUp(
  server: Running,
  opts: Options,
  connections: number,
  requests: () => autocannon.Request[],
): Promise<void> {
  await runLoad({
    url: server.url,
    connections,
    seconds: Math.min(2, opts.seconds),
    requests: requests(),
  });
  await settle();
}

/** One recorded run, after its warm-up: one server, one scenario, one number of connections. */
async function measureRun(
  server: Running,
  scenario: string,
  label: string,
  opts: Options,
  connections: number,
  requests: () => autocannon.Request[],
  runs: ScenarioRun[],
  counters?: { failed: number; sample?: string },
): Promise<void> {
  await warmUp(server, opts, connections, requests);
  const sampler = new RssSampler(server.child.pid!).start();
  const noise = new CpuNoise(() =>
    [process.pid, server.child.pid!, postmasterPid(opts)].filter((p) => p > 0),
  );
  const serverCpu = new CpuTime(() => server.child.pid!, false);
  const databaseCpu = new CpuTime(() => postmasterPid(opts), true);
  const before = counters?.failed ?? 0;
  noise.begin();
  serverCpu.begin();
  databaseCpu.begin();
  const result: LoadResult = await runLoad({
    url: server.url,
    connections,
    seconds: opts.seconds,
    requests: requests(),
  });
  await settle();
  sampler.stop();
  if (counters) result.failed += counters.failed - before;
  result.otherCpu = noise.end();
  const perRequest = (ms: number | null) => (ms === null || !result.requests ? null : ms / result.requests);
  result.serverCpuMsPerRequest = perRequest(serverCpu.end());
  result.databaseCpuMsPerRequest = perRequest(databaseCpu.end());
  runs.push({
    scenario,
    label,
    server: server.name,
    result,
    rssPeakMiB: Math.max(sampler.peak, rssMiB(server.child.pid!) ?? 0),
  });
  log(
    `${server.name.padEnd(12)} ${scenario} ${label} c=${connections}: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms` +
      `, CPU per request ${result.serverCpuMsPerRequest?.toFixed(2) ?? '?'} ms server + ${result.databaseCpuMsPerRequest?.toFixed(2) ?? '?'} ms PostgreSQL` +
      `${result.otherCpu ? `, other processes ${(100 * result.otherCpu).toFixed(0)}% of the CPU` : ''}` +
      `${result.non2xx || result.errors || result.failed ? `, non2xx ${result.non2xx}, errors ${result.errors}, failed ${result.failed}` : ''}`,
  );
}

/** Every connection count, for one server alone (metrics, writes). */
async function measure(
  server: Running,
  scenario: string,
  label: string,
  opts: Options,
  requests: () => autocannon.Request[],
  runs: ScenarioRun[],
  counters?: { failed: number; sample?: string },
): Promise<void> {
  for (const connections of opts.connections)
    await measureRun(server, scenario, label, opts, connections, requests, runs, counters);
}

/** What the read scenarios add to the report. */
interface ReadContext {
  opts: Options;
  fixtures: Fixtures;
  tokens: Map<string, string>;
  pool: pg.Pool;
  runs: ScenarioRun[];
  statements: BenchReport['statements'];
  breakdowns: BenchReport['breakdowns'];
}

interface ReadTarget {
  server: Running;
  target: Target;
}

/**
 * Scenarios 1 and 2 against every server: check each one's answers and count its statements per
 * request (by family size; the API's inbox also at 5 and 50 rows, with a breakdown by statement
 * text for the API), then measure. The servers run back to back for each number of connections,
 * in an order that rotates, so a slow phase of the machine falls on all of them alike rather
 * than on whichever server's turn it was.
 */
async function readScenarios(targets: ReadTarget[], ctx: ReadContext): Promise<void> {
  const { opts, fixtures, tokens, pool } = ctx;
  const count = async (server: Running, scenario: string, label: string, specs: RequestSpec[]) =>
    ctx.statements.push({
      scenario,
      server: server.name,
      label,
      perRequest: await statementsPerRequest(pool, server.url, specs),
    });
  const scenarios = [
    {
      id: '1',
      label: 'family page',
      specs: (target: Target) => familySpecs(target, fixtures, tokens),
      check: async ({ server, target }: ReadTarget) => {
        for (const bucket of fixtures.bySize)
          await count(server, '1', bucket.label, familySpecs(target, fixtures, tokens, bucket.families));
        const largest = fixtures.bySize[fixtures.bySize.length - 1];
        if (target === 'api' && largest)
          ctx.breakdowns.push({
            label: `API, family page (${largest.label})`,
            rows: await statementBreakdown(
              pool,
              server.url,
              familySpecs(target, fixtures, tokens, largest.families),
            ),
          });
      },
    },
    {
      id: '2',
      label: 'agency inbox',
      specs: (target: Target) => inboxSpecs(target, fixtures, tokens),
      check: async ({ server, target }: ReadTarget) => {
        for (const first of target === 'api' ? [5, 50] : [50])
          await count(server, '2', `first ${first}`, inboxSpecs(target, fixtures, tokens, first));
        if (target === 'api')
          ctx.breakdowns.push({
            label: 'API, inbox (first 50)',
            rows: await statementBreakdown(pool, server.url, inboxSpecs(target, fixtures, tokens)),
          });
      },
    },
  ];
  for (const scenario of scenarios) {
    if (!opts.scenarios.has(scenario.id)) continue;
    for (const t of targets) {
      await validate(`${t.server.name} ${scenario.label}`, t.server.url, scenario.specs(t.target));
      await scenario.check(t);
    }
    for (const [round, connections] of opts.connections.entries()) {
      for (let k = 0; k < targets.length; k++) {
        const { server, target } = targets[(k + round) % targets.length];
        await measureRun(
          server,
          scenario.id,
          scenario.label,
          opts,
          connections,
          () => rotating(scenario.specs(target)),
          ctx.runs,
        );
      }
    }
  }
}

async function main(): Promise<void> {
  const opts = options();
  const started = Date.now();
  mkdirSync(opts.dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    dir: join(opts.dataDir, 'postgres'),
    port: opts.dbPort,
    settings: {
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track': 'top',
      shared_buffers: '512MB',
      max_connections: '200',
      max_wal_size: '4GB',
    },
  });
  await server.start();
  const servers: Running[] = [];
  const db = { pool: undefined as pg.Pool | undefined };
  try {
    await ensureDatabase(server.url, EMBEDDED_DATABASE_NAME);
    const { url, meta } = await prepareDatabase(opts, server);
    db.pool = new pg.Pool({ connectionString: url, max: 4 });
    const pool = db.pool;
    settlePool = pool;
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const removed = await removeBenchmarkWrites(pool);
    if (removed) log(`removed ${removed} referrals left by earlier write runs`);
    const fixtures = await loadFixtures(pool);
    log(
      `fixtures: ${fixtures.familyPages.length} family pages, ${fixtures.inboxes.length} inboxes, ${fixtures.writes.length} write combinations`,
    );

    const jwtSecret = randomBytes(32).toString('hex');
    const apiPort = opts.port;
    const apiEnv = {
      NODE_ENV: 'production',
      DATABASE_URL: url,
      JWT_SECRET: jwtSecret,
      PORT: String(apiPort),
      // Request logs off for every server under test, so none pays for logging the others skip.
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
    };
    const health =
      (port: number, path = '/health') =>
      async () =>
        (await fetch(`http://127.0.0.1:${port}${path}`)).status === 200;
    const api = await startServer(
      'API',
      [...opts.apiNodeArgs, opts.apiEntry],
      apiEnv,
      `http://127.0.0.1:${apiPort}`,
      health(apiPort),
    );
    servers.push(api);
    const runs: ScenarioRun[] = [];
    const statements: BenchReport['statements'] = [];
    const apiIdleRss = rssMiB(api.child.pid!) ?? 0;
    const tokens = await login(api.url, [
      ...fixtures.familyPages.map((f) => f.leadEmail),
      ...fixtures.bySize.flatMap((b) => b.families.map((f) => f.leadEmail)),
      ...fixtures.inboxes.map((i) => i.staffEmail),
      ...fixtures.writes.map((w) => w.leadEmail),
      fixtures.board.email,
    ]);
    log(`logged in ${tokens.size} seeded users`);
    const breakdowns: BenchReport['breakdowns'] = [];
    const targets: ReadTarget[] = [{ server: api, target: 'api' }];
    const reads = opts.scenarios.has('1') || opts.scenarios.has('2');
    if (opts.ceiling && reads) {
      const port = apiPort + 1;
      const ceiling = await startServer(
        'ceiling',
        ['dist/bench/ceiling-server.js'],
        { DATABASE_URL: url, JWT_SECRET: jwtSecret, PORT: String(port) },
        `http://127.0.0.1:${port}`,
        async () => (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' })).status === 401,
      );
      servers.push(ceiling);
      targets.push({ server: ceiling, target: 'ceiling' });
    }

    let peerVersions: BenchReport['peerVersions'];
    if (opts.peer && reads) {
      const peerDir = resolve('bench/peer');
      if (!existsSync(join(peerDir, 'node_modules', 'postgraphile'))) {
        log('installing PostGraphile into bench/peer (npm ci)');
        const npm = spawnSync('npm', ['ci', '--prefix', peerDir, '--no-audit', '--no-fund'], {
          stdio: 'inherit',
        });
        if (npm.status !== 0) throw new Error('npm ci --prefix bench/peer failed');
      }
      const version = (pkg: string) =>
        (
          JSON.parse(readFileSync(join(peerDir, 'node_modules', pkg, 'package.json'), 'utf8')) as {
            version: string;
          }
        ).version;
      peerVersions = { postgraphile: version('postgraphile'), graphql: version('graphql') };
      const port = apiPort + 2;
      const peer = await startServer(
        'PostGraphile',
        [join(peerDir, 'server.mjs')],
        { DATABASE_URL: url, PORT: String(port), NODE_ENV: 'production' },
        `http://127.0.0.1:${port}`,
        async () =>
          (
            await fetch(`http://127.0.0.1:${port}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"query":"{__typename}"}',
            })
          ).status === 200,
      );
      servers.push(peer);
      targets.push({ server: peer, target: 'peer' });
    }
    await readScenarios(targets, { opts, fixtures, tokens, pool, runs, statements, breakdowns });
    // The other servers are idle from here on; stop them so the API's runs have the machine.
    for (const { server } of targets.slice(1)) await stopServer(server);

    if (opts.scenarios.has('3')) {
      for (const m of metricsSpecs(fixtures, tokens)) {
        await validate(`API ${m.label}`, api.url, m.specs);
        await measure(api, m.id, m.label, opts, () => rotating(m.specs), runs);
      }
    }
    const apiPeakRss = Math.max(
      ...runs.filter((r) => r.server === 'API').map((r) => r.rssPeakMiB),
      apiIdleRss,
    );

    // Writes last: they add referrals to the families the read scenarios use.
    let writeFailureSample: string | undefined;
    let apiWritePeakRss = 0;
    if (opts.scenarios.has('4')) {
      if (!fixtures.writes.length)
        throw new Error('no eligible family/service combination for the write scenario');
      const counters: { failed: number; sample?: string } = { failed: 0 };
      const probe = await gql(
        `${api.url}/graphql`,
        CREATE_REFERRAL,
        {
          input: {
            familyId: fixtures.writes[0].familyId,
            serviceId: fixtures.writes[0].serviceId,
            childIds: fixtures.writes[0].childIds,
            reason: `${BENCHMARK_REASON} probe`,
          },
        },
        tokens.get(fixtures.writes[0].leadEmail),
      );
      if (!probe?.data?.createReferral)
        throw new Error(`createReferral refused: ${JSON.stringify(probe).slice(0, 600)}`);
      const sendProbe = await gql(
        `${api.url}/graphql`,
        SEND_REFERRAL,
        { id: probe.data.createReferral.id },
        tokens.get(fixtures.writes[0].leadEmail),
      );
      if (sendProbe?.data?.sendReferral?.status !== 'SENT')
        throw new Error(`sendReferral refused: ${JSON.stringify(sendProbe).slice(0, 600)}`);
      const pairs = fixtures.writes.slice(0, 10);
      // As in the runs, every token has been used before (the caller is read on a sign-in's first request).
      for (const email of new Set(pairs.map((w) => w.leadEmail)))
        await gql(`${api.url}/graphql`, '{ me { id } }', {}, tokens.get(email));
      await pool.query('SELECT pg_stat_statements_reset()');
      const counted = { failed: 0 };
      const seq = writeRequests({ ...fixtures, writes: pairs }, tokens, counted);
      for (let i = 0; i < pairs.length; i++) {
        const context: any = {};
        for (const step of seq as any[]) {
          const req = step.setupRequest({}, context);
          const res = await fetch(`${api.url}/graphql`, {
            method: 'POST',
            headers: req.headers,
            body: req.body,
          });
          step.onResponse(res.status, await res.text(), context);
        }
      }
      await sleep(200);
      const { rows } = await pool.query<{ calls: string }>(
        `SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'`,
      );
      statements.push({
        scenario: '4',
        server: 'API',
        label: 'create + send pair',
        perRequest: Number(rows[0].calls) / pairs.length,
      });
      await measure(
        api,
        '4',
        'create + send',
        opts,
        () => writeRequests(fixtures, tokens, counters),
        runs,
        counters,
      );
      writeFailureSample = counters.sample;
      apiWritePeakRss = Math.max(...runs.filter((r) => r.scenario === '4').map((r) => r.rssPeakMiB));
    }
    await stopServer(api);
    if (opts.scenarios.has('4'))
      log(`removed the ${await removeBenchmarkWrites(pool)} referrals the writes made`);

    const { rows: version } = await pool.query<{ v: string }>(
      "SELECT current_setting('server_version') AS v",
    );
    const { rows: size } = await pool.query<{ s: string }>(
      'SELECT pg_size_pretty(pg_database_size(current_database())) AS s',
    );
    const counts: Record<string, number> = {};
    for (const table of [
      'areas',
      'agencies',
      'services',
      'users',
      'families',
      'family_members',
      'consents',
      'support_packages',
      'referrals',
      'referral_children',
      'referral_events',
      'audit_events',
    ]) {
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
      counts[table] = Number(rows[0].n);
    }
    const report: BenchReport = {
      date: new Date().toISOString(),
      options: {
        seconds: opts.seconds,
        connections: opts.connections,
        families: opts.families,
        seed: opts.seed,
        apiNodeArgs: opts.apiNodeArgs,
      },
      seed: meta,
      postgres: version[0].v,
      databaseSize: size[0].s,
      counts,
      period: fixtures.period,
      familyPageReferrals: fixtures.familyPageReferrals,
      runs,
      statements,
      breakdowns,
      apiIdleRssMiB: apiIdleRss,
      apiPeakRssMiB: Math.max(apiPeakRss, apiWritePeakRss),
      peerVersions,
      writeFailureSample,
      minutes: (Date.now() - started) / 60_000,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      join('bench/results', `bench-${report.date.replace(/[:.]/g, '-')}.json`),
      JSON.stringify(report, null, 2),
    );
    if (opts.out !== '-') {
      writeReport(opts.out, report);
      log(`wrote ${opts.out}`);
    }
  } finally {
    for (const s of servers) await stopServer(s).catch(() => undefined);
    await db.pool?.end().catch(() => undefined);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
