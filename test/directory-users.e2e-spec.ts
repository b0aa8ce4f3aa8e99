import { Role } from '../src/common/enums.js';
import { createAgency, createArea, createService, createUser } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const CREATE_USER =
  'mutation($input: CreateUserInput!) { createUser(input: $input) { id email name roles active agency { id } } }';
const CREATE_AREA =
  'mutation($input: CreateAreaInput!) { createArea(input: $input) { id code name childPopulation } }';
const CREATE_AGENCY =
  'mutation($input: CreateAgencyInput!) { createAgency(input: $input) { id name kind services { id } } }';
const CREATE_SERVICE = `mutation($input: CreateServiceInput!) { createService(input: $input) {
  id name category minAgeYears maxAgeYears waitingTimeTargetDays acceptingReferrals agency { id } areas { id } } }`;
const UPDATE_SERVICE = `mutation($id: ID!, $input: UpdateServiceInput!) { updateService(id: $id, input: $input) {
  id name description minAgeYears maxAgeYears waitingTimeTargetDays acceptingReferrals areas { id } } }`;
const SERVICES = 'query($filter: ServiceFilter) { services(filter: $filter) { id } }';

describe('users and the service directory', () => {
  let t: TestApp;
  let admin: string;
  const others: Record<string, string> = {};
  let agencyId: string;
  let areaId: string;

  beforeAll(async () => {
    t = await startTestApp('directory');
    agencyId = (await createAgency(t.db)).id;
    areaId = (await createArea(t.db)).id;
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
    others.LEAD_PROFESSIONAL = t.tokenFor((await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] })).id);
    others.AGENCY_STAFF = t.tokenFor((await createUser(t.db, { roles: [Role.AGENCY_STAFF], agencyId })).id);
    others.BOARD_MEMBER = t.tokenFor((await createUser(t.db, { roles: [Role.BOARD_MEMBER] })).id);
  });
  afterAll(() => t.close());

  describe('admin operations refused for every other role', () => {
    const operations: [string, string, () => Record<string, unknown>][] = [
      ['users', '{ users { id } }', () => ({})],
      [
        'createUser',
        CREATE_USER,
        () => ({
          input: { email: 'x@example.test', name: 'X', password: 'long enough password', roles: ['ADMIN'] },
        }),
      ],
      ['createArea', CREATE_AREA, () => ({ input: { code: 'ZZ1', name: 'Z' } })],
      ['createAgency', CREATE_AGENCY, () => ({ input: { name: 'Z', kind: 'HEALTH' } })],
      [
        'createService',
        CREATE_SERVICE,
        () => ({ input: { agencyId, name: 'Z', category: 'c', waitingTimeTargetDays: 5 } }),
      ],
      [
        'updateService',
        UPDATE_SERVICE,
        () => ({ id: '00000000-0000-4000-8000-000000000000', input: { name: 'Z' } }),
      ],
      [
        'deactivateUser',
        'mutation($id: ID!) { deactivateUser(id: $id) { id } }',
        () => ({ id: '00000000-0000-4000-8000-000000000000' }),
      ],
      [
        'setUserRoles',
        'mutation($id: ID!) { setUserRoles(id: $id, input: { roles: [ADMIN] }) { id } }',
        () => ({ id: '00000000-0000-4000-8000-000000000000' }),
      ],
    ];
    for (const role of ['LEAD_PROFESSIONAL', 'AGENCY_STAFF', 'BOARD_MEMBER']) {
      it.each(operations)(`${role}: %s is FORBIDDEN and changes nothing`, async (_name, query, variables) => {
        const before = await t.db.query(
          'SELECT (SELECT count(*) FROM users) u, (SELECT count(*) FROM areas) a, (SELECT count(*) FROM agencies) g, (SELECT count(*) FROM services) s',
        );
        const res = await t.gql(query, variables(), others[role]);
        expect(codeOf(res)).toBe('FORBIDDEN');
        expect(res.data).toBeNull();
        const after = await t.db.query(
          'SELECT (SELECT count(*) FROM users) u, (SELECT count(*) FROM areas) a, (SELECT count(*) FROM agencies) g, (SELECT count(*) FROM services) s',
        );
        expect(after.rows).toEqual(before.rows);
      });
    }
  });

  describe('createUser', () => {
    it('creates a user whose password works for sign-in, with the email lower-cased', async () => {
      const res = await t.gql(
        CREATE_USER,
        {
          input: {
            email: 'New.Staff@Example.test',
            name: 'New Staff',
            password: 'twelve chars!',
            roles: ['AGENCY_STAFF', 'LEAD_PROFESSIONAL'],
            agencyId,
          },
        },
        admin,
      );
      expect(res.data!.createUser).toMatchObject({
        email: 'new.staff@example.test',
        roles: ['AGENCY_STAFF', 'LEAD_PROFESSIONAL'],
        active: true,
        agency: { id: agencyId },
      });
      const login = await t.gql(
        'mutation { login(email: "new.staff@example.test", password: "twelve chars!") { user { id } } }',
      );
      expect(login.data!.login.user.id).toBe(res.data!.createUser.id);
      const hash = (
        await t.db.query('SELECT password_hash FROM users WHERE id = $1', [res.data!.createUser.id])
      ).rows[0].password_hash;
      expect(hash).toMatch(/^\$argon2id\$/);
    });

    it.each([
      ['a malformed email', { email: 'not-an-email' }],
      ['a password under 12 characters', { password: 'elevenchars' }],
      ['no roles', { roles: [] }],
      ['AGENCY_STAFF without an agency', { roles: ['AGENCY_STAFF'] }],
      ['an unknown agency', { agencyId: '00000000-0000-4000-8000-000000000000' }],
      ['an empty name', { name: '  ' }],
    ])('refuses %s with BAD_USER_INPUT', async (_label, overrides) => {
      const input = {
        email: `ok-${Math.random()}@example.test`,
        name: 'Ok',
        password: 'long enough password',
        roles: ['LEAD_PROFESSIONAL'],
        ...overrides,
      };
      expect(codeOf(await t.gql(CREATE_USER, { input }, admin))).toBe('BAD_USER_INPUT');
    });

    it('refuses a duplicate email, whatever its case, with CONFLICT', async () => {
      const input = {
        email: 'dup@example.test',
        name: 'Dup',
        password: 'long enough password',
        roles: ['BOARD_MEMBER'],
      };
      expect((await t.gql(CREATE_USER, { input }, admin)).errors).toBeUndefined();
      expect(
        codeOf(await t.gql(CREATE_USER, { input: { ...input, email: 'DUP@example.test' } }, admin)),
      ).toBe('CONFLICT');
    });

    it('lists users for admins', async () => {
      const res = await t.gql('{ users { email } }', {}, admin);
      expect(res.data!.users.map((u: { email: string }) => u.email)).toContain('dup@example.test');
    });
  });

  describe('areas and agencies', () => {
    it('creates an area; a duplicate code is a CONFLICT; a negative population is refused', async () => {
      const res = await t.gql(
        CREATE_AREA,
        { input: { code: 'W-CHI', name: 'Chichester', childPopulation: 21400 } },
        admin,
      );
      expect(res.data!.createArea).toMatchObject({
        code: 'W-CHI',
        name: 'Chichester',
        childPopulation: 21400,
      });
      expect(codeOf(await t.gql(CREATE_AREA, { input: { code: 'W-CHI', name: 'Again' } }, admin))).toBe(
        'CONFLICT',
      );
      expect(
        codeOf(
          await t.gql(CREATE_AREA, { input: { code: 'W-NEG', name: 'Neg', childPopulation: -1 } }, admin),
        ),
      ).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(CREATE_AREA, { input: { code: 'W-EMPTY', name: '' } }, admin))).toBe(
        'BAD_USER_INPUT',
      );
      const areas = await t.gql('{ areas { code } }', {}, others.BOARD_MEMBER);
      expect(areas.data!.areas.map((a: { code: string }) => a.code)).toContain('W-CHI');
    });

    it('creates an agency and lists it with its services for any signed-in user', async () => {
      const res = await t.gql(
        CREATE_AGENCY,
        { input: { name: 'Family Centre', kind: 'EARLY_YEARS' } },
        admin,
      );
      expect(res.data!.createAgency).toMatchObject({
        name: 'Family Centre',
        kind: 'EARLY_YEARS',
        services: [],
      });
      const service = await createService(t.db, res.data!.createAgency.id);
      const list = await t.gql('{ agencies { id services { id } } }', {}, others.AGENCY_STAFF);
      const found = list.data!.agencies.find((a: { id: string }) => a.id === res.data!.createAgency.id);
      expect(found.services).toEqual([{ id: service.id }]);
    });
  });

  describe('services', () => {
    it('creates and updates a service within the rules', async () => {
      const created = await t.gql(
        CREATE_SERVICE,
        {
          input: {
            agencyId,
            name: 'Speech and language therapy',
            category: 'speech',
            minAgeYears: 2,
            maxAgeYears: 11,
            areaIds: [areaId],
            waitingTimeTargetDays: 126,
          },
        },
        admin,
      );
      expect(created.data!.createService).toMatchObject({
        minAgeYears: 2,
        maxAgeYears: 11,
        acceptingReferrals: true,
        agency: { id: agencyId },
        areas: [{ id: areaId }],
      });
      const id = created.data!.createService.id;
      const updated = await t.gql(
        UPDATE_SERVICE,
        { id, input: { acceptingReferrals: false, areaIds: [], maxAgeYears: 16, description: 'Clinic' } },
        admin,
      );
      expect(updated.data!.updateService).toMatchObject({
        acceptingReferrals: false,
        areas: [],
        minAgeYears: 2,
        maxAgeYears: 16,
        description: 'Clinic',
        waitingTimeTargetDays: 126,
      });
      expect(
        codeOf(
          await t.gql(
            UPDATE_SERVICE,
            { id: '00000000-0000-4000-8000-000000000000', input: { name: 'x' } },
            admin,
          ),
        ),
      ).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(UPDATE_SERVICE, { id, input: { minAgeYears: 17 } }, admin))).toBe(
        'BAD_USER_INPUT',
      );
    });

    it.each([
      ['a target of 0 days', { waitingTimeTargetDays: 0 }],
      ['a negative minimum age', { minAgeYears: -1 }],
      ['a maximum age over 25', { maxAgeYears: 26 }],
      ['minimum above maximum', { minAgeYears: 10, maxAgeYears: 5 }],
      ['an unknown area', { areaIds: ['00000000-0000-4000-8000-000000000000'] }],
      ['an unknown agency', { agencyId: '00000000-0000-4000-8000-000000000000' }],
    ])('refuses %s with BAD_USER_INPUT', async (_label, overrides) => {
      const input = { agencyId, name: 'S', category: 'c', waitingTimeTargetDays: 10, ...overrides };
      expect(codeOf(await t.gql(CREATE_SERVICE, { input }, admin))).toBe('BAD_USER_INPUT');
    });

    it('honours every filter field', async () => {
      const agency2 = (await createAgency(t.db)).id;
      const area2 = (await createArea(t.db)).id;
      const everywhere = await createService(t.db, agency2, {
        category: 'filter-a',
        minAgeYears: 0,
        maxAgeYears: 5,
      });
      const inArea2 = await createService(t.db, agency2, {
        category: 'filter-a',
        minAgeYears: 4,
        maxAgeYears: null,
        areaIds: [area2],
      });
      const closed = await createService(t.db, agency2, { category: 'filter-b', acceptingReferrals: false });
      const ids = async (filter: Record<string, unknown>) =>
        (
          (await t.gql(SERVICES, { filter: { agencyId: agency2, ...filter } }, others.LEAD_PROFESSIONAL))
            .data!.services as { id: string }[]
        )
          .map((s) => s.id)
          .sort();
      expect(await ids({})).toEqual([everywhere.id, inArea2.id, closed.id].sort());
      expect(await ids({ category: 'FILTER-A' })).toEqual([everywhere.id, inArea2.id].sort());
      expect(await ids({ acceptingReferrals: false })).toEqual([closed.id]);
      expect(await ids({ acceptingReferrals: true })).toEqual([everywhere.id, inArea2.id].sort());
      expect(await ids({ ageYears: 3 })).toEqual([everywhere.id, closed.id].sort());
      expect(await ids({ ageYears: 5 })).toEqual([everywhere.id, inArea2.id, closed.id].sort());
      expect(await ids({ ageYears: 40 })).toEqual([inArea2.id, closed.id].sort());
      expect(await ids({ areaId: area2 })).toEqual([everywhere.id, inArea2.id, closed.id].sort());
      expect(await ids({ areaId })).toEqual([everywhere.id, closed.id].sort());
      expect(await ids({ areaId: area2, ageYears: 2, category: 'filter-a' })).toEqual([everywhere.id]);
    });
  });

  describe('health', () => {
    it('answers 200 while the database answers', async () => {
      const { default: request } = await import('supertest');
      const res = await request(t.app.getHttpServer()).get('/health');
      expect(res.status).toBe(200);
      expect(res.body.info.database.status).toBe('up');
    });
  });
});
