import { MemberRole, Role } from '../src/common/enums.js';
import { createAgency, createArea, createFamily, createService, createUser } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';
import { count } from './support/referral-fixtures.js';

const CREATE = `mutation($input: CreateFamilyInput!) {
  createFamily(input: $input) { id reference name area { id } members { id givenName familyName dateOfBirth role }
    leadProfessional { id } leadProfessionalHistory { user { id } endedAt } createdAt } }`;
const FAMILY = `query($id: ID!) { family(id: $id) { id name reference area { id } members { givenName role }
  leadProfessional { id } leadProfessionalHistory { user { id } startedAt endedAt reason } consents { id active } } }`;
const ASSIGN = `mutation($f: ID!, $u: ID!, $r: String) { assignLeadProfessional(familyId: $f, userId: $u, reason: $r) {
  id leadProfessional { id } } }`;
const ADD_MEMBER = `mutation($f: ID!, $input: FamilyMemberInput!) { addFamilyMember(familyId: $f, input: $input) { id givenName role } }`;

describe('families and lead professionals', () => {
  let t: TestApp;
  let areaId: string;
  let admin: string, lead: string, lead2: string, staff: string, board: string;
  let agencyId: string;

  beforeAll(async () => {
    t = await startTestApp('families');
    areaId = (await createArea(t.db)).id;
    agencyId = (await createAgency(t.db)).id;
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
    lead = t.tokenFor((await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] })).id);
    lead2 = t.tokenFor((await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] })).id);
    staff = t.tokenFor((await createUser(t.db, { roles: [Role.AGENCY_STAFF], agencyId })).id);
    board = t.tokenFor((await createUser(t.db, { roles: [Role.BOARD_MEMBER] })).id);
  });
  afterAll(() => t.close());

  const meId = async (token: string) => (await t.gql('{ me { id } }', {}, token)).data!.me.id as string;
  const input = (overrides: Record<string, unknown> = {}) => ({
    name: '  Smith family ',
    areaId,
    members: [
      { givenName: 'James', familyName: 'Smith', dateOfBirth: '2021-05-01', role: 'CHILD' },
      { givenName: 'Jo', familyName: 'Smith', dateOfBirth: '1990-01-31', role: 'PARENT_CARER' },
    ],
    ...overrides,
  });

  describe('createFamily', () => {
    it('makes the creating lead professional the lead, with a unique reference and trimmed name', async () => {
      const a = await t.gql(CREATE, { input: input() }, lead);
      const b = await t.gql(CREATE, { input: input() }, lead);
      expect(a.errors).toBeUndefined();
      const family = a.data!.createFamily;
      expect(family.name).toBe('Smith family');
      expect(family.reference).toMatch(/^FAM-\d{6}$/);
      expect(b.data!.createFamily.reference).not.toBe(family.reference);
      expect(family.leadProfessional.id).toBe(await meId(lead));
      expect(family.leadProfessionalHistory).toEqual([{ user: { id: await meId(lead) }, endedAt: null }]);
      expect(family.members.map((m: { givenName: string }) => m.givenName)).toEqual(['James', 'Jo']);
      expect(family.members[0].dateOfBirth).toBe('2021-05-01');
    });

    it('keeps references unique past FAM-999999 (they grow beyond six digits)', async () => {
      await t.db.query(`SELECT setval('family_reference_seq', 999998)`);
      const refs = [];
      for (let i = 0; i < 3; i++)
        refs.push((await t.gql(CREATE, { input: input() }, lead)).data!.createFamily.reference);
      expect(refs).toEqual(['FAM-999999', 'FAM-1000000', 'FAM-1000001']);
    });

    it('lets an admin name the lead professional, or leave the family without one', async () => {
      const lead2Id = await meId(lead2);
      const named = await t.gql(CREATE, { input: input({ leadProfessionalId: lead2Id }) }, admin);
      expect(named.data!.createFamily.leadProfessional.id).toBe(lead2Id);
      const none = await t.gql(CREATE, { input: input() }, admin);
      expect(none.data!.createFamily.leadProfessional).toBeNull();
      expect(none.data!.createFamily.leadProfessionalHistory).toEqual([]);
    });

    it('refuses agency staff and board members', async () => {
      expect(codeOf(await t.gql(CREATE, { input: input() }, staff))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(CREATE, { input: input() }, board))).toBe('FORBIDDEN');
    });

    it.each([
      ['an empty name', { name: '   ' }],
      ['a name over 200 characters', { name: 'x'.repeat(201) }],
      ['an unknown area', { areaId: '00000000-0000-4000-8000-000000000000' }],
      [
        'a member without a given name',
        { members: [{ givenName: ' ', familyName: 'Smith', role: 'CHILD' }] },
      ],
      [
        'a date of birth in the future',
        { members: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2999-01-01', role: 'CHILD' }] },
      ],
      ['a member without a role', { members: [{ givenName: 'A', familyName: 'B' }] }],
      [
        'a malformed date of birth',
        { members: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2020-02-30', role: 'CHILD' }] },
      ],
    ])('refuses %s with BAD_USER_INPUT and creates nothing', async (_label, overrides) => {
      const before = (await t.db.query('SELECT count(*)::int AS n FROM families')).rows[0].n;
      expect(codeOf(await t.gql(CREATE, { input: input(overrides) }, lead))).toBe('BAD_USER_INPUT');
      expect((await t.db.query('SELECT count(*)::int AS n FROM families')).rows[0].n).toBe(before);
    });

    it('refuses a lead professional id that is not an active lead professional', async () => {
      const staffId = await meId(staff);
      const inactive = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL], active: false });
      expect(codeOf(await t.gql(CREATE, { input: input({ leadProfessionalId: staffId }) }, admin))).toBe(
        'BAD_USER_INPUT',
      );
      expect(codeOf(await t.gql(CREATE, { input: input({ leadProfessionalId: inactive.id }) }, admin))).toBe(
        'BAD_USER_INPUT',
      );
    });
  });

  describe('who sees a family', () => {
    it("reads a lead's own family and audits it in one statement, and shows the caller from the auth check's read", async () => {
      const id = (await t.gql(CREATE, { input: input() }, lead)).data!.createFamily.id;
      const page = async (token: string, fields: string) => {
        const before = t.statements();
        const res = await t.gql(`query($id: ID!) { family(id: $id) { id ${fields} } }`, { id }, token);
        expect(res.errors).toBeUndefined();
        return { statements: t.statements() - before, family: res.data!.family };
      };
      const bare = await page(lead, '');
      // The family read and its audit row in one statement (this sign-in's caller is known from
      // creating the family).
      expect(bare.statements).toBe(1);
      expect(await count(t.db, `audit_events WHERE action = 'family.read' AND entity_id = $1`, [id])).toBe(1);
      const shown = await page(lead, 'leadProfessional { id name email roles }');
      expect(shown.statements).toBe(bare.statements);
      expect(shown.family.leadProfessional).toEqual({
        id: await meId(lead),
        name: expect.any(String),
        email: expect.stringContaining('@'),
        roles: ['LEAD_PROFESSIONAL'],
      });
      // Anyone else sees the same row, read for them.
      const byAdmin = await page(admin, 'leadProfessional { id name email roles }');
      expect(byAdmin.family.leadProfessional).toEqual(shown.family.leadProfessional);
      expect(byAdmin.statements).toBe((await page(admin, '')).statements + 1);
    });

    it('shows it to its lead professional and admins, NOT_FOUND to everyone else, FORBIDDEN to board members', async () => {
      const id = (await t.gql(CREATE, { input: input() }, lead)).data!.createFamily.id;
      expect((await t.gql(FAMILY, { id }, lead)).data!.family.id).toBe(id);
      expect((await t.gql(FAMILY, { id }, admin)).data!.family.id).toBe(id);
      const other = await t.gql(FAMILY, { id }, lead2);
      const missing = await t.gql(FAMILY, { id: '00000000-0000-4000-8000-000000000000' }, lead2);
      expect(codeOf(other)).toBe('NOT_FOUND');
      expect(other.errors![0].message).toBe(missing.errors![0].message);
      expect(codeOf(await t.gql(FAMILY, { id: 'not-a-uuid' }, lead2))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(FAMILY, { id }, staff))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(FAMILY, { id }, board))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql('{ families { totalCount } }', {}, board))).toBe('FORBIDDEN');
    });

    it('shows agency staff a family once their agency has a sent referral, without consents or history', async () => {
      const leadId = await meId(lead);
      const family = await createFamily(t.db, {
        areaId,
        leadProfessionalId: leadId,
        members: [{ givenName: 'Lilly', role: MemberRole.CHILD, dateOfBirth: '2017-03-03' }],
      });
      await t.db.query(
        `INSERT INTO consents (family_id, given_by_member_id, scope, purpose, given_at, recorded_by_id)
         VALUES ($1, $2, 'ALL_PARTNERS', 'support', now(), $3)`,
        [family.id, family.members[0].id, leadId],
      );
      const service = await createService(t.db, agencyId);
      const insertReferral = (status: string) =>
        t.db.query(
          `INSERT INTO referrals (reference, family_id, service_id, agency_id, referred_by_id, reason, status, received_at)
           VALUES ('REF-' || nextval('referral_reference_seq'), $1, $2, $3, $4, 'support', $5::referral_status, CASE WHEN $5::text = 'DRAFT' THEN NULL ELSE now() END)`,
          [family.id, service.id, agencyId, leadId, status],
        );
      await insertReferral('DRAFT');
      expect(codeOf(await t.gql(FAMILY, { id: family.id }, staff))).toBe('NOT_FOUND');
      await insertReferral('SENT');
      const seen = await t.gql(FAMILY, { id: family.id }, staff);
      expect(seen.errors).toBeUndefined();
      expect(seen.data!.family).toMatchObject({
        id: family.id,
        members: [{ givenName: 'Lilly', role: 'CHILD' }],
        consents: [],
        leadProfessionalHistory: [],
      });
      expect((await t.gql(FAMILY, { id: family.id }, lead)).data!.family.consents).toHaveLength(1);
      const listed = await t.gql('{ families(first: 100) { nodes { id } } }', {}, staff);
      expect(listed.data!.families.nodes).toEqual([{ id: family.id }]);
    });
  });

  describe('members', () => {
    it('lets the lead professional and admins add members, validated like at creation', async () => {
      const id = (await t.gql(CREATE, { input: input() }, lead)).data!.createFamily.id;
      const added = await t.gql(
        ADD_MEMBER,
        {
          f: id,
          input: { givenName: 'April', familyName: 'Smith', dateOfBirth: '2024-06-01', role: 'CHILD' },
        },
        lead,
      );
      expect(added.data!.addFamilyMember).toMatchObject({ givenName: 'April', role: 'CHILD' });
      expect(
        (
          await t.gql(
            ADD_MEMBER,
            { f: id, input: { givenName: 'Gran', familyName: 'Smith', role: 'OTHER_ADULT' } },
            admin,
          )
        ).errors,
      ).toBeUndefined();
      expect(
        codeOf(
          await t.gql(
            ADD_MEMBER,
            { f: id, input: { givenName: 'X', familyName: 'Y', dateOfBirth: '2999-01-01', role: 'CHILD' } },
            lead,
          ),
        ),
      ).toBe('BAD_USER_INPUT');
      expect(
        codeOf(
          await t.gql(
            ADD_MEMBER,
            { f: id, input: { givenName: 'X', familyName: 'Y', role: 'CHILD' } },
            lead2,
          ),
        ),
      ).toBe('NOT_FOUND');
      expect(
        codeOf(
          await t.gql(
            ADD_MEMBER,
            { f: id, input: { givenName: 'X', familyName: 'Y', role: 'CHILD' } },
            board,
          ),
        ),
      ).toBe('FORBIDDEN');
      const family = await t.gql(FAMILY, { id }, lead);
      expect(family.data!.family.members.map((m: { givenName: string }) => m.givenName)).toEqual([
        'James',
        'Jo',
        'April',
        'Gran',
      ]);
    });
  });

  describe('handover', () => {
    it('moves the family to the new lead professional; the previous one loses access; history is kept oldest first', async () => {
      const lead2Id = await meId(lead2);
      const leadId = await meId(lead);
      const id = (await t.gql(CREATE, { input: input() }, lead)).data!.createFamily.id;
      const res = await t.gql(ASSIGN, { f: id, u: lead2Id, r: 'moving to the north team' }, lead);
      expect(res.data!.assignLeadProfessional.leadProfessional.id).toBe(lead2Id);
      expect(codeOf(await t.gql(FAMILY, { id }, lead))).toBe('NOT_FOUND');
      const family = (await t.gql(FAMILY, { id }, lead2)).data!.family;
      expect(family.leadProfessional.id).toBe(lead2Id);
      expect(family.leadProfessionalHistory.map((h: { user: { id: string } }) => h.user.id)).toEqual([
        leadId,
        lead2Id,
      ]);
      expect(family.leadProfessionalHistory[0].endedAt).not.toBeNull();
      expect(family.leadProfessionalHistory[1]).toMatchObject({
        endedAt: null,
        reason: 'moving to the north team',
      });
      expect(codeOf(await t.gql(ASSIGN, { f: id, u: leadId }, lead))).toBe('NOT_FOUND');
      expect(
        (await t.gql(ASSIGN, { f: id, u: leadId }, admin)).data!.assignLeadProfessional.leadProfessional.id,
      ).toBe(leadId);
    });

    it('refuses a target who is not an active lead professional', async () => {
      const id = (await t.gql(CREATE, { input: input() }, lead)).data!.createFamily.id;
      const inactive = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL], active: false });
      expect(codeOf(await t.gql(ASSIGN, { f: id, u: await meId(staff) }, lead))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(ASSIGN, { f: id, u: inactive.id }, lead))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(ASSIGN, { f: id, u: await meId(lead2) }, staff))).toBe('NOT_FOUND');
    });

    it('keeps exactly one open assignment under concurrent handovers', async () => {
      const id = (await t.gql(CREATE, { input: input() }, lead)).data!.createFamily.id;
      const targets = await Promise.all(
        Array.from({ length: 8 }, () => createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] })),
      );
      const results = await Promise.all(targets.map((u) => t.gql(ASSIGN, { f: id, u: u.id }, admin)));
      const ok = results.filter((r) => !r.errors);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of results.filter((x) => x.errors)) expect(codeOf(r)).toBe('CONFLICT');
      const open = await t.db.query(
        'SELECT user_id FROM lead_professional_assignments WHERE family_id = $1 AND ended_at IS NULL',
        [id],
      );
      expect(open.rows).toHaveLength(1);
      const current = await t.db.query('SELECT lead_professional_id FROM families WHERE id = $1', [id]);
      expect(current.rows[0].lead_professional_id).toBe(open.rows[0].user_id);
      const all = await t.db.query(
        'SELECT count(*)::int AS n FROM lead_professional_assignments WHERE family_id = $1',
        [id],
      );
      expect(all.rows[0].n).toBe(1 + ok.length);
    });
  });
});
