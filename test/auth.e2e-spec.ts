import { Role } from '../src/common/enums.js';
import { createAgency, createUser, FACTORY_PASSWORD } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id email roles } } }';
const ME = '{ me { id email roles active agency { id } } }';

describe('sign-in and tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('auth');
  });
  afterAll(() => t.close());

  it('signs in with the right password and the token identifies the user', async () => {
    const agency = await createAgency(t.db);
    const user = await createUser(t.db, {
      roles: [Role.AGENCY_STAFF],
      agencyId: agency.id,
      email: 'Staff.One@Example.test',
    });
    const res = await t.gql(LOGIN, { e: 'staff.one@example.test', p: FACTORY_PASSWORD });
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.user).toEqual({
      id: user.id,
      email: 'staff.one@example.test',
      roles: ['AGENCY_STAFF'],
    });
    const me = await t.gql(ME, {}, res.data!.login.token);
    expect(me.data!.me).toEqual({
      id: user.id,
      email: 'staff.one@example.test',
      roles: ['AGENCY_STAFF'],
      active: true,
      agency: { id: agency.id },
    });
  });

  it('answers a wrong password and an unknown email alike', async () => {
    await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL], email: 'lead.wrong@example.test' });
    const wrong = await t.gql(LOGIN, { e: 'lead.wrong@example.test', p: 'not the password' });
    const unknown = await t.gql(LOGIN, { e: 'nobody@example.test', p: 'not the password' });
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
    expect(codeOf(unknown)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
    expect(wrong.data).toBeNull();
  });

  it('refuses a missing, forged or expired token', async () => {
    const user = await createUser(t.db, { roles: [Role.ADMIN] });
    expect(codeOf(await t.gql(ME))).toBe('UNAUTHENTICATED');
    const good = t.tokenFor(user.id);
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${Buffer.from('forged-signature-bytes').toString('base64url')}`;
    expect(codeOf(await t.gql(ME, {}, forged))).toBe('UNAUTHENTICATED');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect(codeOf(await t.gql(ME, {}, none))).toBe('UNAUTHENTICATED');
    const expired = t.tokenFor(user.id, { expiresIn: -10 });
    expect(codeOf(await t.gql(ME, {}, expired))).toBe('UNAUTHENTICATED');
    expect((await t.gql(ME, {}, good)).data!.me.id).toBe(user.id);
  });

  it('locks out a deactivated user on their next request', async () => {
    const admin = await createUser(t.db, { roles: [Role.ADMIN] });
    const lead = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const leadToken = t.tokenFor(lead.id);
    expect((await t.gql(ME, {}, leadToken)).data!.me.id).toBe(lead.id);
    const res = await t.gql(
      'mutation($id: ID!) { deactivateUser(id: $id) { id active } }',
      { id: lead.id },
      t.tokenFor(admin.id),
    );
    expect(res.data!.deactivateUser).toEqual({ id: lead.id, active: false });
    expect(codeOf(await t.gql(ME, {}, leadToken))).toBe('UNAUTHENTICATED');
  });
});
