import { createHmac, randomUUID } from 'node:crypto';
import request from 'supertest';
import { Role } from '../src/common/enums.js';
import { createAgency, createUser, FACTORY_PASSWORD } from './support/factories.js';
import { codeOf, startTestApp, TEST_JWT_SECRET, type TestApp } from './support/test-app.js';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const ME = '{ me { id roles } }';
const PER_ADDRESS = 15;
// Sign-in tests hash passwords (argon2id, deliberately slow) dozens of times.

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function sign(header: object, payload: object, secret = TEST_JWT_SECRET, hash = 'sha256'): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac(hash, secret).update(body).digest('base64url')}`;
}

describe('sign-in throttling and tokens', () => {
  let t: TestApp;
  let address = 0;
  beforeAll(async () => {
    // Forwarded addresses are trusted here so each test can sign in from an address of its own.
    t = await startTestApp('hardauth', {
      trustProxy: true,
      login: { maxFailuresPerAccount: 10, maxFailuresPerAddress: PER_ADDRESS, windowMinutes: 15 },
    });
  });
  afterAll(() => t.close());

  const newAddress = () => `203.0.113.${++address}`;
  async function login(email: string, password: string, from: string) {
    const res = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('x-forwarded-for', from)
      .send({ query: LOGIN, variables: { e: email, p: password } });
    return { status: res.status, data: res.body.data, errors: res.body.errors, body: res.body };
  }

  it('refuses the right password after 10 failures for the account, until the window passes', async () => {
    const user = await createUser(t.db, { roles: [Role.ADMIN] });
    const from = newAddress();
    for (let i = 0; i < 10; i++)
      expect(codeOf(await login(user.email, 'wrong', from))).toBe('UNAUTHENTICATED');
    const locked = await login(user.email, FACTORY_PASSWORD, from);
    expect(codeOf(locked)).toBe('TOO_MANY_REQUESTS');
    expect(locked.data).toBeNull();
    // From another address too: the count is per account.
    expect(codeOf(await login(user.email, FACTORY_PASSWORD, newAddress()))).toBe('TOO_MANY_REQUESTS');
    // Refused attempts are not failures: once the ten age out of the window, sign-in works.
    await t.db.query("UPDATE login_failures SET at = at - interval '16 minutes' WHERE account_key = $1", [
      user.email,
    ]);
    const again = await login(user.email, FACTORY_PASSWORD, from);
    expect(again.errors).toBeUndefined();
    expect(again.data.login.token).toEqual(expect.any(String));
  }, 60_000);

  it('resets the account count on success', async () => {
    const user = await createUser(t.db, { roles: [Role.ADMIN] });
    const from = newAddress();
    for (let i = 0; i < 9; i++) await login(user.email, 'wrong', from);
    expect((await login(user.email, FACTORY_PASSWORD, from)).errors).toBeUndefined();
    for (let i = 0; i < 9; i++)
      expect(codeOf(await login(user.email, 'wrong', from))).toBe('UNAUTHENTICATED');
    expect((await login(user.email, FACTORY_PASSWORD, from)).errors).toBeUndefined();
  }, 60_000);

  it('counts a burst of parallel guesses: no more than 10 are checked', async () => {
    const user = await createUser(t.db, { roles: [Role.ADMIN] });
    const from = newAddress();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(user.email, `guess-${i}`, from)),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(10);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(20);
    expect(codeOf(await login(user.email, FACTORY_PASSWORD, from))).toBe('TOO_MANY_REQUESTS');
  }, 60_000);

  it('limits failures per client address across accounts, with a higher limit', async () => {
    const from = newAddress();
    const accounts = await Promise.all([1, 2, 3].map(() => createUser(t.db, { roles: [Role.ADMIN] })));
    for (let i = 0; i < PER_ADDRESS; i++) {
      expect(codeOf(await login(accounts[i % 2].email, 'wrong', from))).toBe('UNAUTHENTICATED');
    }
    // A third account that never failed is refused from that address, but not from another.
    expect(codeOf(await login(accounts[2].email, FACTORY_PASSWORD, from))).toBe('TOO_MANY_REQUESTS');
    expect(codeOf(await login('nobody@example.test', 'wrong', from))).toBe('TOO_MANY_REQUESTS');
    expect((await login(accounts[2].email, FACTORY_PASSWORD, newAddress())).errors).toBeUndefined();
  }, 60_000);

  describe('tokens', () => {
    let userId: string;
    beforeAll(async () => {
      userId = (await createUser(t.db, { roles: [Role.ADMIN] })).id;
    });
    const claims = () => ({
      sub: userId,
      jti: randomUUID(),
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    });

    it('accepts a token it signed', async () => {
      const token = sign({ alg: 'HS256', typ: 'JWT' }, claims());
      expect((await t.gql(ME, {}, token)).data!.me.id).toBe(userId);
    });

    it.each([
      ['alg none, no signature', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
      [
        'alg none, HS256 signature kept',
        () => {
          const [, p, s] = sign({ alg: 'HS256', typ: 'JWT' }, claims()).split('.');
          return `${b64({ alg: 'none', typ: 'JWT' })}.${p}.${s}`;
        },
      ],
      [
        'another HMAC algorithm with the right secret',
        () => sign({ alg: 'HS512', typ: 'JWT' }, claims(), TEST_JWT_SECRET, 'sha512'),
      ],
      [
        'the wrong secret',
        () => sign({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-0123456789-0123456789-xx'),
      ],
      [
        'a tampered payload (another user)',
        () => {
          const [h, , s] = sign({ alg: 'HS256', typ: 'JWT' }, claims()).split('.');
          return `${h}.${b64({ ...claims(), sub: randomUUID() })}.${s}`;
        },
      ],
      [
        'an expired token',
        () => sign({ alg: 'HS256', typ: 'JWT' }, { ...claims(), exp: Math.floor(Date.now() / 1000) - 5 }),
      ],
      [
        'no token id',
        () => {
          const { jti: _jti, ...rest } = claims();
          return sign({ alg: 'HS256', typ: 'JWT' }, rest);
        },
      ],
      ['an unknown user', () => sign({ alg: 'HS256', typ: 'JWT' }, { ...claims(), sub: randomUUID() })],
    ])('refuses %s', async (_label, make) => {
      const res = await t.gql(ME, {}, make());
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      expect(res.data).toBeNull();
    });

    it('revokes the token used for logout, and only that one', async () => {
      const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
      const from = newAddress();
      const first = (await login(user.email, FACTORY_PASSWORD, from)).data.login.token as string;
      const second = (await login(user.email, FACTORY_PASSWORD, from)).data.login.token as string;
      expect((await t.gql('mutation { logout }', {}, first)).data!.logout).toBe(true);
      expect(codeOf(await t.gql(ME, {}, first))).toBe('UNAUTHENTICATED');
      expect((await t.gql(ME, {}, second)).data!.me.id).toBe(user.id);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM revoked_tokens');
      expect(rows[0].n).toBeGreaterThanOrEqual(1);
    }, 30_000);

    it('applies a role change on the next request', async () => {
      const agency = await createAgency(t.db);
      const admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
      const other = await createUser(t.db, { roles: [Role.ADMIN] });
      const token = t.tokenFor(other.id);
      expect(codeOf(await t.gql('{ users { id } }', {}, token))).toBeUndefined();
      const changed = await t.gql(
        'mutation($id: ID!, $i: UpdateUserRolesInput!) { setUserRoles(id: $id, input: $i) { roles } }',
        { id: other.id, i: { roles: ['AGENCY_STAFF'], agencyId: agency.id } },
        admin,
      );
      expect(changed.data!.setUserRoles.roles).toEqual(['AGENCY_STAFF']);
      expect(codeOf(await t.gql('{ users { id } }', {}, token))).toBe('FORBIDDEN');
      expect((await t.gql(ME, {}, token)).data!.me.roles).toEqual(['AGENCY_STAFF']);
    });

    it('applies deactivation on the next request, also to sign-in', async () => {
      const admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
      const user = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
      const token = t.tokenFor(user.id);
      expect((await t.gql(ME, {}, token)).data!.me.id).toBe(user.id);
      await t.gql('mutation($id: ID!) { deactivateUser(id: $id) { id } }', { id: user.id }, admin);
      expect(codeOf(await t.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      expect(codeOf(await login(user.email, FACTORY_PASSWORD, newAddress()))).toBe('UNAUTHENTICATED');
    }, 30_000);
  });
});
