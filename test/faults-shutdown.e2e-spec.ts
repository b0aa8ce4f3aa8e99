import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { startApiProcess } from './support/api-process.js';
import { buildApiOnce, freePort, lockWaiters, waitUntil } from './support/fault-cluster.js';
import { TEST_JWT_SECRET } from './support/test-app.js';

const ADMIN_EMAIL = 'shutdown.admin@example.test';
const ADMIN_PASSWORD = 'shutdown-password-123';

/**
 * SIGTERM on a real process with its embedded PostgreSQL: it stops accepting, lets the
 * request in flight finish and answer, closes the pool, stops the database and exits 0.
 */
describe('graceful shutdown', () => {
  let mainJs: string;
  const dataDir = join(resolve('.test-data'), `shutdown-${process.pid}-${randomBytes(3).toString('hex')}`);

  beforeAll(async () => {
    mainJs = await buildApiOnce();
    mkdirSync(dataDir, { recursive: true });
  }, 180_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(resolve(mainJs, '..', '..'), { recursive: true, force: true });
  });

  it('finishes the in-flight request, exits 0 and stops the embedded database', async () => {
    const dbPort = await freePort();
    const api = await startApiProcess(mainJs, await freePort(), {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
      JWT_SECRET: TEST_JWT_SECRET,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
    });
    let locker: pg.Client | undefined;
    try {
      const login = await api.gql(
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
        { e: ADMIN_EMAIL, p: ADMIN_PASSWORD },
      );
      expect(login.body.errors).toBeUndefined();
      const token = login.body.data.login.token as string;

      // Hold the request in flight: its insert waits on a lock this test holds.
      const password = readFileSync(join(dataDir, 'postgres', 'db-password'), 'utf8').trim();
      locker = new pg.Client({
        connectionString: `postgres://postgres:${password}@127.0.0.1:${dbPort}/family_support`,
      });
      locker.on('error', () => undefined);
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE areas IN EXCLUSIVE MODE');
      const inflight = api.gql(
        'mutation($i: CreateAreaInput!) { createArea(input: $i) { id code } }',
        { i: { code: 'SHUTDOWN1', name: 'Finished after SIGTERM' } },
        token,
      );
      await waitUntil(async () => (await lockWaiters(locker!)) === 1, 15_000, 'the request to be in flight');

      api.child.kill('SIGTERM');
      // No longer accepting: a new connection is refused while the old request is still running.
      await waitUntil(
        async () => {
          try {
            await request(api.url).get('/health').timeout(1000);
            return false;
          } catch (error) {
            return /ECONNREFUSED|socket hang up|ECONNRESET/.test(String(error));
          }
        },
        10_000,
        'the listener to close',
      );
      expect(api.output()).toMatch(/SIGTERM: finishing in-flight requests/);

      await locker.query('COMMIT');
      const res = await inflight;
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.createArea.code).toBe('SHUTDOWN1');
      await locker.end();
      locker = undefined;

      expect(await api.exited).toBe(0);
      // The embedded server is stopped: no postmaster, nothing listening on its port.
      expect(existsSync(join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'))).toBe(false);
      const probe = new pg.Client({
        connectionString: `postgres://postgres:${password}@127.0.0.1:${dbPort}/family_support`,
      });
      await expect(probe.connect()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await locker?.query('ROLLBACK').catch(() => undefined);
      await locker?.end().catch(() => undefined);
      await api.stop();
    }
  }, 180_000);
});
