import { MemberRole, Role } from '../src/common/enums.js';
import { createAgency, createArea, createFamily, createUser } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const RECORD = `mutation($f: ID!, $input: ConsentInput!) { recordConsent(familyId: $f, input: $input) {
  id scope agencies { id } purpose givenAt expiresAt withdrawnAt active givenBy { id } } }`;
const WITHDRAW = 'mutation($id: ID!) { withdrawConsent(consentId: $id) { id withdrawnAt active } }';
const LIST = `query($first: Int, $after: String, $search: String, $areaId: ID) {
  families(first: $first, after: $after, search: $search, areaId: $areaId) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } nodes { id } } }`;

const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const dobYearsAgo = (years: number, extraDays = 0) => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + extraDays);
  return d.toISOString().slice(0, 10);
};

describe('consent, search, pagination and audit', () => {
  let t: TestApp;
  let areaId: string;
  let leadId: string, lead: string, admin: string, staff: string, board: string, otherLead: string;
  let agencyA: string, agencyB: string;

  beforeAll(async () => {
    t = await startTestApp('consent');
    areaId = (await createArea(t.db)).id;
    agencyA = (await createAgency(t.db)).id;
    agencyB = (await createAgency(t.db)).id;
    leadId = (await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] })).id;
    lead = t.tokenFor(leadId);
    otherLead = t.tokenFor((await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] })).id);
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
    staff = t.tokenFor((await createUser(t.db, { roles: [Role.AGENCY_STAFF], agencyId: agencyA })).id);
    board = t.tokenFor((await createUser(t.db, { roles: [Role.BOARD_MEMBER] })).id);
  });
  afterAll(() => t.close());

  const family = () =>
    createFamily(t.db, {
      areaId,
      leadProfessionalId: leadId,
      members: [
        { givenName: 'Mum', role: MemberRole.PARENT_CARER, dateOfBirth: '1990-01-01' },
        { givenName: 'Eleven', role: MemberRole.CHILD, dateOfBirth: dobYearsAgo(12, 10) },
        { givenName: 'Twelve', role: MemberRole.CHILD, dateOfBirth: dobYearsAgo(12, -10) },
        { givenName: 'Gran', role: MemberRole.OTHER_ADULT },
      ],
    });

  /** recordConsent by `token` (the family's lead professional unless given): all partners, purpose 'x', unless `fields` say otherwise. */
  const consent = (
    familyId: string,
    givenByMemberId: string,
    fields: Record<string, unknown> = {},
    token = lead,
  ) =>
    t.gql(
      RECORD,
      { f: familyId, input: { givenByMemberId, scope: 'ALL_PARTNERS', purpose: 'x', ...fields } },
      token,
    );

  describe('recordConsent and withdrawConsent', () => {
    it('records consent for all partners from a parent, active from now', async () => {
      const f = await family();
      const res = await consent(f.id, f.members[0].id, { purpose: ' team around the family ' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.recordConsent).toMatchObject({
        scope: 'ALL_PARTNERS',
        agencies: [],
        purpose: 'team around the family',
        active: true,
        withdrawnAt: null,
        givenBy: { id: f.members[0].id },
      });
    });

    it('records consent for specific agencies, which must be named and exist', async () => {
      const f = await family();
      const ok = await consent(f.id, f.members[3].id, {
        scope: 'SPECIFIC_AGENCIES',
        agencyIds: [agencyA, agencyB],
        purpose: 'health',
      });
      expect(ok.data!.recordConsent.agencies.map((a: { id: string }) => a.id).sort()).toEqual(
        [agencyA, agencyB].sort(),
      );
      const none = await consent(f.id, f.members[0].id, { scope: 'SPECIFIC_AGENCIES', agencyIds: [] });
      expect(codeOf(none)).toBe('BAD_USER_INPUT');
      const unknown = await consent(f.id, f.members[0].id, {
        scope: 'SPECIFIC_AGENCIES',
        agencyIds: ['00000000-0000-4000-8000-000000000001'],
      });
      expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    });

    it('accepts a child aged 12 or over and refuses a younger child', async () => {
      const f = await family();
      const younger = await consent(f.id, f.members[1].id);
      expect(codeOf(younger)).toBe('BAD_USER_INPUT');
      const twelve = await consent(f.id, f.members[2].id);
      expect(twelve.errors).toBeUndefined();
    });

    it('refuses a member of another family, a future givenAt and an expiry before it', async () => {
      const f = await family();
      const g = await family();
      const other = await consent(f.id, g.members[0].id);
      expect(codeOf(other)).toBe('BAD_USER_INPUT');
      const future = await consent(f.id, f.members[0].id, { givenAt: isoDaysFromNow(1) });
      expect(codeOf(future)).toBe('BAD_USER_INPUT');
      const backwards = await consent(f.id, f.members[0].id, {
        givenAt: isoDaysFromNow(-5),
        expiresAt: isoDaysFromNow(-6),
      });
      expect(codeOf(backwards)).toBe('BAD_USER_INPUT');
      expect(
        (await t.db.query('SELECT count(*)::int AS n FROM consents WHERE family_id = $1', [f.id])).rows[0].n,
      ).toBe(0);
    });

    it('keeps a late-entered paper consent with its past date, active until it expires', async () => {
      const f = await family();
      const givenAt = isoDaysFromNow(-30);
      const current = await consent(f.id, f.members[0].id, { givenAt, expiresAt: isoDaysFromNow(30) });
      expect(current.data!.recordConsent).toMatchObject({ givenAt, active: true });
      const expired = await consent(f.id, f.members[0].id, { givenAt, expiresAt: isoDaysFromNow(-1) });
      expect(expired.data!.recordConsent.active).toBe(false);
    });

    it('withdraws once: inactive afterwards, a second withdrawal is a CONFLICT', async () => {
      const f = await family();
      const id = (await consent(f.id, f.members[0].id)).data!.recordConsent.id;
      expect(codeOf(await t.gql(WITHDRAW, { id }, otherLead))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(WITHDRAW, { id }, board))).toBe('FORBIDDEN');
      const first = await t.gql(WITHDRAW, { id }, lead);
      expect(first.data!.withdrawConsent.active).toBe(false);
      expect(first.data!.withdrawConsent.withdrawnAt).not.toBeNull();
      expect(codeOf(await t.gql(WITHDRAW, { id }, admin))).toBe('CONFLICT');
    });

    it('is for the lead professional and admins only', async () => {
      const f = await family();
      const giver = f.members[0].id;
      expect(codeOf(await consent(f.id, giver, {}, otherLead))).toBe('NOT_FOUND');
      expect(codeOf(await consent(f.id, giver, {}, staff))).toBe('NOT_FOUND');
      expect(codeOf(await consent(f.id, giver, {}, board))).toBe('FORBIDDEN');
      expect((await consent(f.id, giver, {}, admin)).errors).toBeUndefined();
    });
  });

  describe("a lead professional's family page", () => {
    const PAGE = `query($id: ID!) { family(id: $id) { ...Page } }
      fragment Page on Family { id members { id givenName familyName dateOfBirth role }
        ... on Family { consents { id scope purpose givenAt expiresAt withdrawnAt active
                                   givenBy { id givenName } agencies { id } } } }`;
    const read = async (token: string, id: string) => {
      const before = t.statements();
      const res = await t.gql(PAGE, { id }, token);
      expect(res.errors).toBeUndefined();
      return { statements: t.statements() - before, family: res.data!.family };
    };

    it('brings members and consents in the statement that reads the family, with the same values as any other read', async () => {
      const f = await family();
      const named = await consent(f.id, f.members[0].id, {
        scope: 'SPECIFIC_AGENCIES',
        agencyIds: [agencyB, agencyA],
      });
      const withdrawn = await consent(f.id, f.members[0].id, { expiresAt: isoDaysFromNow(30) });
      expect((await t.gql(WITHDRAW, { id: withdrawn.data!.recordConsent.id }, lead)).errors).toBeUndefined();
      const expiring = await consent(f.id, f.members[0].id, { expiresAt: isoDaysFromNow(90) });
      expect([named, withdrawn, expiring].map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
      const byLead = await read(lead, f.id);
      // The family with its members, consents and audit row (the caller is known from this sign-in's
      // earlier requests).
      expect(byLead.statements).toBe(1);
      expect(byLead.family.members.map((m: { givenName: string }) => m.givenName)).toEqual([
        'Mum',
        'Eleven',
        'Twelve',
        'Gran',
      ]);
      expect(byLead.family.consents).toHaveLength(3);
      expect(byLead.family.consents.map((c: { active: boolean }) => c.active)).toEqual([true, false, true]);
      expect(byLead.family.consents[1].withdrawnAt).toEqual(expect.any(String));
      // An admin's read takes the family, members and consents in statements of their own.
      const byAdmin = await read(admin, f.id);
      expect(byAdmin.statements).toBeGreaterThan(byLead.statements);
      expect(byLead.family).toEqual(byAdmin.family);
    });
  });

  describe('families search and pagination', () => {
    it('finds families by a case-insensitive fragment of the name, the reference or a member name', async () => {
      const searchLead = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
      const token = t.tokenFor(searchLead.id);
      const a = await createFamily(t.db, {
        areaId,
        leadProfessionalId: searchLead.id,
        name: 'Harrington household',
        members: [{ givenName: 'Zebedee', familyName: 'Quill' }],
      });
      await createFamily(t.db, {
        areaId,
        leadProfessionalId: searchLead.id,
        name: 'Other household',
        members: [{ givenName: 'Ann', familyName: 'Lee' }],
      });
      const byName = await t.gql(LIST, { search: 'RRINGT' }, token);
      expect(byName.data!.families.nodes).toEqual([{ id: a.id }]);
      const byMember = await t.gql(LIST, { search: 'bedee qu' }, token);
      expect(byMember.data!.families.nodes).toEqual([{ id: a.id }]);
      const byReference = await t.gql(LIST, { search: a.reference.toLowerCase() }, token);
      expect(byReference.data!.families.nodes).toEqual([{ id: a.id }]);
      const wildcard = await t.gql(LIST, { search: '%' }, token);
      expect(wildcard.data!.families.totalCount).toBe(0);
      expect((await t.gql(LIST, { search: 'household' }, token)).data!.families.totalCount).toBe(2);
      // Another lead professional's search never reaches these families.
      expect((await t.gql(LIST, { search: 'Harrington' }, otherLead)).data!.families.totalCount).toBe(0);
    });

    it('pages through 250 families with no duplicates or gaps, and refuses pages over 100', async () => {
      const pager = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
      const token = t.tokenFor(pager.id);
      const pageArea = (await createArea(t.db)).id;
      await t.db.query(
        `INSERT INTO families (reference, name, area_id, lead_professional_id, created_by_id)
         SELECT next_reference('FAM', 'family_reference_seq'), 'Family ' || (g % 7), $1, $2, $2
           FROM generate_series(1, 250) g`,
        [pageArea, pager.id],
      );
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const res: any = await t.gql(LIST, { first: 100, after, areaId: pageArea }, token);
        expect(res.data.families.totalCount).toBe(250);
        expect(res.data.families.edges.map((e: any) => e.node.id)).toEqual(
          res.data.families.nodes.map((n: any) => n.id),
        );
        seen.push(...res.data.families.nodes.map((n: any) => n.id));
        after = res.data.families.pageInfo.hasNextPage ? res.data.families.pageInfo.endCursor : null;
        pages += 1;
      } while (after);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(250);
      expect(new Set(seen).size).toBe(250);
      expect(codeOf(await t.gql(LIST, { first: 101 }, token))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(LIST, { first: 0 }, token))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(LIST, { after: 'garbage' }, token))).toBe('BAD_USER_INPUT');
      const firstPage: any = await t.gql(LIST, { areaId: pageArea }, token);
      expect(firstPage.data.families.nodes).toHaveLength(20);
    });

    it('reads 100 families with members, lead professional, area and history in a constant number of statements', async () => {
      const counter = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
      const token = t.tokenFor(counter.id);
      const countArea = (await createArea(t.db)).id;
      const query = `query($a: ID, $n: Int) { families(first: $n, areaId: $a) { nodes { id area { code } members { givenName }
        leadProfessional { name agency { id } } leadProfessionalHistory { user { id } } consents { id } } } }`;
      const statementsFor = async (n: number) => {
        const before = t.statements();
        const res = await t.gql(query, { a: countArea, n }, token);
        expect(res.data!.families.nodes).toHaveLength(n);
        return t.statements() - before;
      };
      for (let i = 0; i < 100; i++) {
        await createFamily(t.db, {
          areaId: countArea,
          leadProfessionalId: counter.id,
          members: [{ givenName: `Kid${i}` }, { givenName: `Parent${i}`, role: MemberRole.PARENT_CARER }],
        });
      }
      await statementsFor(10); // the first request of a sign-in also reads the caller
      const ten = await statementsFor(10);
      const hundred = await statementsFor(100);
      expect(hundred).toBe(ten);
      expect(hundred).toBeLessThanOrEqual(10);
    });
  });

  describe('audit trail', () => {
    const AUDIT = `query($e: ID, $a: ID, $first: Int, $after: String) { auditEvents(entityId: $e, actorId: $a, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { action entityType entityId actor { id } at } } }`;

    it('records reads of a family and changes to it, newest first, for admins only', async () => {
      const f = await family();
      await t.gql('query($id: ID!) { family(id: $id) { id } }', { id: f.id }, lead);
      await t.gql('query($id: ID!) { family(id: $id) { id } }', { id: f.id }, otherLead);
      await t.gql(
        'mutation($f: ID!, $i: FamilyMemberInput!) { addFamilyMember(familyId: $f, input: $i) { id } }',
        { f: f.id, i: { givenName: 'New', familyName: 'Baby', role: 'CHILD' } },
        lead,
      );
      const res = await t.gql(AUDIT, { e: f.id }, admin);
      const actions = res.data!.auditEvents.nodes.map((n: { action: string }) => n.action);
      expect(actions).toEqual(['family.read.denied', 'family.read']);
      expect(res.data!.auditEvents.nodes[1]).toMatchObject({
        entityType: 'Family',
        entityId: f.id,
        actor: { id: leadId },
      });
      const byActor = await t.gql(AUDIT, { a: leadId, first: 1 }, admin);
      expect(byActor.data!.auditEvents.nodes[0].action).toBe('family.member.add');
      expect(byActor.data!.auditEvents.pageInfo.hasNextPage).toBe(true);
      const second = await t.gql(
        AUDIT,
        { a: leadId, first: 1, after: byActor.data!.auditEvents.pageInfo.endCursor },
        admin,
      );
      expect(second.data!.auditEvents.nodes[0].action).toBe('family.read');
      for (const token of [lead, staff, board])
        expect(codeOf(await t.gql(AUDIT, {}, token))).toBe('FORBIDDEN');
    });

    it('is append-only in the database itself', async () => {
      await family();
      await expect(t.db.query(`UPDATE audit_events SET action = 'tampered'`)).rejects.toThrow(/append-only/);
      await expect(t.db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(t.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    });
  });
});
