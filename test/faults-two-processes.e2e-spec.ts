import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Role } from '../src/common/enums.js';
import { type ApiProcess, startApiProcess } from './support/api-process.js';
import { eventually } from './support/eventually.js';
import { createUser, FACTORY_PASSWORD } from './support/factories.js';
import { partnership, referralIn, transitionMutation } from './support/referral-fixtures.js';
import { buildApiOnce, freePort } from './support/fault-cluster.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './support/test-app.js';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const codeOf = (res: { body: { errors?: { extensions: { code: string } }[] } }) =>
  res.body.errors?.[0]?.extensions.code;

/**
 * Two API processes on one database, as behind a load balancer: what must be shared
 * (unique keys, sign-in failure counts, revoked tokens) is in PostgreSQL, not in memory.
 */
describe('two API processes against one database', () => {
  let t: TestApp;
  let mainJs: string;
  let apis: ApiProcess[] = [];
  let admin: string;

  beforeAll(async () => {
    [t, mainJs] = await Promise.all([startTestApp('twoproc'), buildApiOnce()]);
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      MIGRATIONS_RUN: 'false',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
    };
    apis = await Promise.all([
      startApiProcess(mainJs, await freePort(), env),
      startApiProcess(mainJs, await freePort(), env),
    ]);
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    await t?.close();
    if (mainJs) rmSync(resolve(mainJs, '..', '..'), { recursive: true, force: true });
  });

  it('a race on one unique key across both processes has exactly one winner', async () => {
    for (let round = 0; round < 3; round++) {
      const code = `RACE${round}`;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          apis[i % 2].gql(
            'mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }',
            { i: { code, name: `Racer ${i}` } },
            admin,
          ),
        ),
      );
      const codes = results.map(codeOf);
      expect(codes.filter((c) => c === undefined)).toHaveLength(1);
      expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(11);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM areas WHERE code = $1', [code]);
      expect(rows[0].n).toBe(1);
      const audit = await t.db.query(
        "SELECT count(*)::int AS n FROM audit_events e JOIN areas a ON a.id::text = e.entity_id WHERE a.code = $1 AND e.action = 'area.create'",
        [code],
      );
      expect(audit.rows[0].n).toBe(1);
    }
  }, 60_000);

  it('the accept/decline race on one referral across both processes has exactly one winner', async () => {
    const p = await partnership(t);
    for (let round = 0; round < 3; round++) {
      const { referral } = await referralIn(t, p, 'SENT');
      const staff = [p.healthStaff.token, p.healthStaff2.token];
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2 === 0
            ? apis[i % 2].gql(transitionMutation('accept', 'id status'), { id: referral.id }, staff[i % 2])
            : apis[i % 2].gql(
                transitionMutation('decline', 'id status'),
                { id: referral.id, note: 'No capacity' },
                staff[i % 2],
              ),
        ),
      );
      const codes = results.map(codeOf);
      expect(codes.filter((c) => c === undefined)).toHaveLength(1);
      expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(7);
      const winner = results.find((r) => !r.body.errors)!;
      const status = Object.values(winner.body.data as Record<string, { status: string }>)[0].status;
      const { rows } = await t.db.query('SELECT status FROM referrals WHERE id = $1', [referral.id]);
      expect(rows[0].status).toBe(status);
      const events = await t.db.query(
        'SELECT count(*)::int AS n FROM referral_events WHERE referral_id = $1 AND status = $2',
        [referral.id, status],
      );
      expect(events.rows[0].n).toBe(1);
    }
  }, 60_000);

  it('counts sign-in failures across both processes', async () => {
    const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    for (let i = 0; i < 10; i++) {
      expect(codeOf(await apis[i % 2].gql(LOGIN, { e: user.email, p: `wrong-${i}` }))).toBe(
        'UNAUTHENTICATED',
      );
    }
    expect(codeOf(await apis[0].gql(LOGIN, { e: user.email, p: FACTORY_PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect(codeOf(await apis[1].gql(LOGIN, { e: user.email, p: FACTORY_PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
  }, 60_000);

  it('a logout on one process revokes the token on the other', async () => {
    const user = await createUser(t.db, { roles: [Role.ADMIN] });
    const login = await apis[0].gql(LOGIN, { e: user.email, p: FACTORY_PASSWORD });
    const token = login.body.data.login.token as string;
    expect((await apis[1].gql('{ me { id } }', {}, token)).body.data.me.id).toBe(user.id);
    expect((await apis[0].gql('mutation { logout }', {}, token)).body.data.logout).toBe(true);
    expect(codeOf(await apis[0].gql('{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');
    // The other process kept the caller in memory and drops it when PostgreSQL's notification of
    // the revocation arrives (sent on commit, before the logout's answer).
    const other = await eventually(
      () => apis[1].gql('{ me { id } }', {}, token),
      (res) => codeOf(res) !== undefined,
    );
    expect(codeOf(other)).toBe('UNAUTHENTICATED');
  }, 60_000);
});
