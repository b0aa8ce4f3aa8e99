import { Role } from '../src/common/enums.js';
import { eventually } from './support/eventually.js';
import { createUser } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const ME = '{ me { id roles } }';
const USERS = '{ users { id } }';
const LISTENER = 'family-support-api-access-listener';

const tokenIdOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).jti;

/** Access listener connections to this test's database. */
const listenerBackends = async (t: TestApp) =>
  Number(
    (
      await t.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1`,
        [LISTENER],
      )
    ).rows[0].n,
  );

/** Statements the API sends for one request, which must succeed. */
async function statementsFor(t: TestApp, query: string, token: string): Promise<number> {
  const before = t.statements();
  const res = await t.gql(query, {}, token);
  expect(codeOf(res)).toBeUndefined();
  return t.statements() - before;
}

describe('the caller read once per sign-in and dropped on every change to access', () => {
  let t: TestApp;
  const codeFor = (query: string, token: string) => async () => codeOf(await t.gql(query, {}, token));

  beforeAll(async () => {
    t = await startTestApp('callers');
  });
  afterAll(() => t.close());

  it('reads the caller on the first request of a sign-in, not on the next ones', async () => {
    const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const token = t.tokenFor(user.id);
    const first = await statementsFor(t, ME, token);
    const second = await statementsFor(t, ME, token);
    expect(first - second).toBe(1);
    expect(await statementsFor(t, ME, token)).toBe(second);
    // Another sign-in of the same user is read for itself.
    expect(await statementsFor(t, ME, t.tokenFor(user.id))).toBe(first);
  });

  it('applies a deactivation by another writer once PostgreSQL reports it', async () => {
    const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const token = t.tokenFor(user.id);
    await statementsFor(t, ME, token);
    await t.db.query('UPDATE users SET active = false WHERE id = $1', [user.id]);
    expect(await eventually(codeFor(ME, token), (code) => code !== undefined)).toBe('UNAUTHENTICATED');
  });

  it('applies a role change by another writer once PostgreSQL reports it', async () => {
    const user = await createUser(t.db, { roles: [Role.ADMIN] });
    const token = t.tokenFor(user.id);
    await statementsFor(t, USERS, token);
    await t.db.query(`UPDATE users SET roles = '{LEAD_PROFESSIONAL}' WHERE id = $1`, [user.id]);
    expect(await eventually(codeFor(USERS, token), (code) => code !== undefined)).toBe('FORBIDDEN');
    expect((await t.gql(ME, {}, token)).data!.me.roles).toEqual(['LEAD_PROFESSIONAL']);
  });

  it("applies another writer's revocation to that token only", async () => {
    const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const [revoked, kept] = [t.tokenFor(user.id), t.tokenFor(user.id)];
    await statementsFor(t, ME, revoked);
    await statementsFor(t, ME, kept);
    await t.db.query(`INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, now() + interval '1 hour')`, [
      tokenIdOf(revoked),
    ]);
    expect(await eventually(codeFor(ME, revoked), (code) => code !== undefined)).toBe('UNAUTHENTICATED');
    expect((await t.gql(ME, {}, kept)).data!.me.id).toBe(user.id);
  });

  it('applies a change made while its notification connection was down, and listens again', async () => {
    const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const token = t.tokenFor(user.id);
    await statementsFor(t, ME, token);
    expect(await listenerBackends(t)).toBe(1);
    await t.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1`,
      [LISTENER],
    );
    // No notification can reach a dead connection: the change is found by reading the row.
    await t.db.query('UPDATE users SET active = false WHERE id = $1', [user.id]);
    expect(await eventually(codeFor(ME, token), (code) => code !== undefined)).toBe('UNAUTHENTICATED');
    expect(await eventually(() => listenerBackends(t), (n) => n === 1)).toBe(1);
    // Listening again: callers are kept, and another writer's change is heard as before.
    const other = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const otherToken = t.tokenFor(other.id);
    const read = await statementsFor(t, ME, otherToken);
    expect(await eventually(() => statementsFor(t, ME, otherToken), (n) => n < read)).toBe(read - 1);
    await t.db.query('UPDATE users SET active = false WHERE id = $1', [other.id]);
    expect(await eventually(codeFor(ME, otherToken), (code) => code !== undefined)).toBe('UNAUTHENTICATED');
  });
});

describe('with AUTH_CACHE_SECONDS=0', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('nocallers', {}, { AUTH_CACHE_SECONDS: '0' });
  });
  afterAll(() => t.close());

  it('reads the caller on every request and opens no notification connection', async () => {
    const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const token = t.tokenFor(user.id);
    const first = await statementsFor(t, ME, token);
    expect(await statementsFor(t, ME, token)).toBe(first);
    expect(t.config.authCacheSeconds).toBe(0);
    expect(await listenerBackends(t)).toBe(0);
  });
});
