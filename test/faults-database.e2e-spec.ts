import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type pg from 'pg';
import request from 'supertest';
import { Role } from '../src/common/enums.js';
import type { AppConfig } from '../src/config/app-config.js';
import { createApp } from '../src/create-app.js';
import { createUser } from './support/factories.js';
import {
  type FaultCluster,
  faultAppConfig,
  lockWaiters,
  startFaultCluster,
  waitUntil,
} from './support/fault-cluster.js';

const urlOf = (api: NestFastifyApplication) =>
  `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;

const LOG_FILE = join(resolve('.test-data'), `logs-${process.pid}`, 'faults-database.log');

const CREATE_AREA = 'mutation($i: CreateAreaInput!) { createArea(input: $i) { id code } }';
const AREAS = '{ areas { id code } }';

/**
 * The API against a PostgreSQL that is crashed, restarted and starved of connections.
 * Measured recovery times are printed (the report quotes them); the only time bounds
 * asserted are generous liveness limits.
 */
describe('database faults', () => {
  let cluster: FaultCluster;
  let app: NestFastifyApplication;
  let admin: string;
  let client: pg.Client;

  async function startApi(overrides: Partial<AppConfig> = {}) {
    const api = await createApp(faultAppConfig(cluster.databaseUrl, overrides));
    // A real listener: supertest's listen-per-request on one server mixes up concurrent requests.
    await api.listen(0, '127.0.0.1');
    return api;
  }
  /** Sent at once (a supertest request is lazy until awaited). */
  const gql = (
    api: NestFastifyApplication,
    query: string,
    variables: object = {},
  ): Promise<request.Response> =>
    request(urlOf(api))
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${admin}`)
      .send({ query, variables })
      .then((r) => r);
  const codesOf = (res: request.Response): string[] =>
    (res.body.errors ?? []).map((e: { extensions: { code: string } }) => e.extensions.code);
  const serving = async (api: NestFastifyApplication) => {
    const res = await gql(api, AREAS);
    return res.status === 200 && !res.body.errors;
  };
  const reconnect = async () => {
    await client?.end().catch(() => undefined);
    client = await cluster.client();
  };

  beforeAll(async () => {
    cluster = await startFaultCluster('faults-db');
    client = await cluster.client();
    mkdirSync(dirname(LOG_FILE), { recursive: true });
    rmSync(LOG_FILE, { force: true });
    app = await startApi({
      db: { poolSize: 6, acquireTimeoutMs: 1000, statementTimeoutMs: 5000, preparedStatements: true },
      logFile: LOG_FILE,
      logLevel: 'debug',
    });
    const user = await createUser(client as unknown as pg.Pool, { roles: [Role.ADMIN] });
    admin = app.get(JwtService).sign({ sub: user.id }, { jwtid: randomUUID(), expiresIn: '1h' });
  }, 120_000);
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await client?.end().catch(() => undefined);
    await cluster?.destroy();
    rmSync(LOG_FILE, { force: true });
  });

  it('keeps an acknowledged change through a PostgreSQL crash (immediate stop) and restart', async () => {
    const res = await gql(app, CREATE_AREA, { i: { code: 'DURABLE1', name: 'Durable' } });
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data.createArea.id;
    await cluster.pg.stop('immediate');
    await cluster.pg.start();
    await reconnect();
    const { rows } = await client.query('SELECT code FROM areas WHERE id = $1', [id]);
    expect(rows).toEqual([{ code: 'DURABLE1' }]);
    const audit = await client.query(
      "SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'area.create'",
      [id],
    );
    expect(audit.rows[0].n).toBe(1);
    await waitUntil(() => serving(app), 30_000, 'the API to serve again');
  }, 120_000);

  it('while PostgreSQL is down: clean SERVICE_UNAVAILABLE, /health 503, process up; serves again without a restart', async () => {
    expect(await serving(app)).toBe(true);
    await client.end();
    await cluster.pg.stop('fast');
    const down = await gql(app, AREAS);
    expect(down.status).toBe(200);
    expect(codesOf(down)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(down.body.data).toBeNull();
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
    const write = await gql(app, CREATE_AREA, { i: { code: 'WHILEDOWN', name: 'x' } });
    expect(codesOf(write)).toEqual(['SERVICE_UNAVAILABLE']);
    const health = await request(urlOf(app)).get('/health');
    expect(health.status).toBe(503);

    const startedAt = Date.now();
    await cluster.pg.start();
    const restartMs = Date.now() - startedAt;
    const recoveryMs = await waitUntil(() => serving(app), 30_000, 'the API to serve again');
    console.log(
      `idle restart: PostgreSQL start took ${restartMs} ms; API serving ${recoveryMs} ms after that`,
    );
    expect((await request(urlOf(app)).get('/health')).status).toBe(200);
    await reconnect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM areas WHERE code = 'WHILEDOWN'");
    expect(rows[0].n).toBe(0);
  }, 120_000);

  it('crash with requests in flight: each gets a clean error, nothing is half-written, service resumes', async () => {
    // In-flight for certain: the inserts wait on a lock held by this test when the server dies.
    await client.query('BEGIN');
    await client.query('LOCK TABLE areas IN EXCLUSIVE MODE');
    const inflight = Array.from({ length: 4 }, (_, i) =>
      gql(app, CREATE_AREA, { i: { code: `INFLIGHT${i}`, name: 'In flight' } }),
    );
    await waitUntil(async () => (await lockWaiters(client)) === 4, 10_000, 'the requests to block');
    await cluster.pg.stop('immediate');
    const answers = await Promise.all(inflight);
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body.data).toBeNull();
      expect(['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR']).toContain(codesOf(res)[0]);
    }
    const startedAt = Date.now();
    await cluster.pg.start();
    const restartMs = Date.now() - startedAt;
    const recoveryMs = await waitUntil(() => serving(app), 30_000, 'the API to serve again');
    console.log(
      `crash with requests in flight: PostgreSQL start (with recovery) took ${restartMs} ms; API serving ${recoveryMs} ms after that`,
    );
    await reconnect();
    const { rows } = await client.query(
      `SELECT count(*)::int AS areas,
              (SELECT count(*)::int FROM audit_events e JOIN areas a ON a.id::text = e.entity_id::text WHERE a.code LIKE 'INFLIGHT%') AS audits
         FROM areas WHERE code LIKE 'INFLIGHT%'`,
    );
    expect(rows[0]).toEqual({ areas: 0, audits: 0 });
    // And the same writes succeed now.
    const again = await gql(app, CREATE_AREA, { i: { code: 'INFLIGHT0', name: 'In flight' } });
    expect(again.body.errors).toBeUndefined();
  }, 120_000);

  it('with the pool exhausted, extra requests fail fast with SERVICE_UNAVAILABLE and the service recovers', async () => {
    // Two connections, both about to be held by requests waiting on a lock; statements would wait 20 s.
    const small = await startApi({
      db: { poolSize: 2, acquireTimeoutMs: 500, statementTimeoutMs: 20_000, preparedStatements: true },
    });
    try {
      await reconnect();
      await client.query('BEGIN');
      await client.query('LOCK TABLE areas IN EXCLUSIVE MODE');
      let settled = 0;
      const holders = [0, 1].map((i) =>
        gql(small, CREATE_AREA, { i: { code: `HOLD${i}`, name: 'Holder' } }).then((r) => {
          settled++;
          return r;
        }),
      );
      await waitUntil(
        async () => (await lockWaiters(client)) === 2,
        10_000,
        'both pool connections to be held',
      );
      const extra = await gql(small, AREAS);
      expect(codesOf(extra)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(extra.body.data).toBeNull();
      expect(settled).toBe(0); // answered while the pool was still full: it did not queue behind them
      const health = await request(urlOf(small)).get('/health');
      expect(health.status).toBe(503);
      await client.query('COMMIT');
      const done = await Promise.all(holders);
      for (const res of done) expect(res.body.errors).toBeUndefined();
      const recoveryMs = await waitUntil(() => serving(small), 10_000, 'the API to serve again');
      console.log(`pool exhaustion: serving again ${recoveryMs} ms after the load dropped`);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await small.close();
    }
  }, 120_000);

  it('cancels a statement that waits longer than statement_timeout / lock_timeout with a clean error', async () => {
    const impatient = await startApi({
      db: { poolSize: 4, acquireTimeoutMs: 1000, statementTimeoutMs: 300, preparedStatements: true },
    });
    try {
      await client.query('BEGIN');
      await client.query('LOCK TABLE areas IN EXCLUSIVE MODE');
      const res = await gql(impatient, CREATE_AREA, { i: { code: 'TIMEOUT1', name: 'x' } });
      await client.query('ROLLBACK');
      expect(codesOf(res)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(res.body.data).toBeNull();
      const { rows } = await client.query("SELECT count(*)::int AS n FROM areas WHERE code = 'TIMEOUT1'");
      expect(rows[0].n).toBe(0);
      expect(await serving(impatient)).toBe(true);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await impatient.close();
    }
  }, 60_000);

  it('logged the failures without SQL, parameters or values', () => {
    const log = readFileSync(LOG_FILE, 'utf8');
    expect(log).toMatch(/request failed/);
    expect(log).not.toMatch(/INSERT INTO|SELECT |In flight|INFLIGHT|WHILEDOWN|Holder|password/);
  });
});
