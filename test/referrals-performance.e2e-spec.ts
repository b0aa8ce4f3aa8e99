import { MemberRole, Role } from '../src/common/enums.js';
import { createAgency, createArea, createFamily, createService, createUser } from './support/factories.js';
import { data } from './support/referral-fixtures.js';
import { type GraphQLResponse, startTestApp, type TestApp } from './support/test-app.js';

const LIST = `query($filter: ReferralFilter) {
  referrals(first: 100, filter: $filter) {
    totalCount
    nodes {
      id reference status waitingDays
      family { id name reference area { name } members { givenName } }
      children { id givenName }
      service { id name }
      agency { id name }
      referredBy { id name }
      events { status at actor { id name } }
    }
  }
}`;

describe('listing referrals costs a constant number of SQL statements', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('referralperf');
  });
  afterAll(() => t.close());

  /** `n` sent referrals to a fresh service, spread over several families and referrers. */
  async function seed(n: number) {
    const area = await createArea(t.db);
    const agency = await createAgency(t.db);
    const service = await createService(t.db, agency.id);
    const staff = await createUser(t.db, { roles: [Role.AGENCY_STAFF], agencyId: agency.id });
    const leads = [];
    for (let i = 0; i < 5; i++) leads.push(await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] }));
    const families = [];
    for (let i = 0; i < Math.min(n, 20); i++) {
      const leadProfessionalId = leads[i % leads.length].id;
      families.push({
        leadProfessionalId,
        ...(await createFamily(t.db, {
          areaId: area.id,
          leadProfessionalId,
          members: [
            { role: MemberRole.PARENT_CARER },
            { role: MemberRole.CHILD },
            { role: MemberRole.CHILD },
          ],
        })),
      });
    }
    const { rows } = await t.db.query(
      `INSERT INTO referrals (reference, family_id, service_id, agency_id, referred_by_id, reason, status, received_at, version)
       SELECT 'PERF-' || $4::text || '-' || g, ($1::uuid[])[1 + g % cardinality($1::uuid[])], $2, $3,
              ($5::uuid[])[1 + g % cardinality($5::uuid[])], 'Reason', 'SENT', now() - g * interval '1 hour', 2
         FROM generate_series(1, $6::int) g
       RETURNING id, family_id, referred_by_id, received_at, created_at`,
      [families.map((f) => f.id), service.id, agency.id, `${n}-${Date.now()}`, leads.map((l) => l.id), n],
    );
    const childOf = new Map(
      families.map((f) => [f.id, f.members.filter((m) => m.role === MemberRole.CHILD)]),
    );
    for (const r of rows) {
      for (const child of childOf.get(r.family_id)!) {
        await t.db.query('INSERT INTO referral_children (referral_id, member_id) VALUES ($1, $2)', [
          r.id,
          child.id,
        ]);
      }
      await t.db.query(
        `INSERT INTO referral_events (referral_id, status, at, actor_id) VALUES ($1, 'DRAFT', $2, $3), ($1, 'SENT', $4, $3)`,
        [r.id, r.created_at, r.referred_by_id, r.received_at],
      );
    }
    return { service, staff, token: t.tokenFor(staff.id), families };
  }

  async function statementsFor(token: string, serviceId: string, expected: number) {
    const before = t.statements();
    const res = await t.gql(LIST, { filter: { serviceId } }, token);
    const used = t.statements() - before;
    const list = data(res, 'referrals');
    expect(list.nodes).toHaveLength(expected);
    expect(list.nodes[0].events).toHaveLength(2);
    expect(list.nodes[0].children).toHaveLength(2);
    expect(list.nodes[0].family.members).toHaveLength(3);
    return used;
  }

  it("reads the families and children a page shows in the page's own statement", async () => {
    const { service, token } = await seed(10);
    const viaNodes = `query($f: ReferralFilter) { referrals(first: 10, filter: $f) {
      nodes { id family { id name reference } children { id givenName familyName dateOfBirth role } } } }`;
    const viaEdges = `query($f: ReferralFilter) { referrals(first: 10, filter: $f) { edges { node { ...Row } } } }
      fragment Row on Referral { id ... on Referral { family { id name reference } } children { ...Child } }
      fragment Child on FamilyMember { id givenName familyName dateOfBirth role }`;
    const read = async (query: string, pick: (list: any) => any[]) => {
      const before = t.statements();
      const list = pick(data(await t.gql(query, { f: { serviceId: service.id } }, token), 'referrals'));
      return { statements: t.statements() - before, list };
    };
    // The first request of a sign-in also reads the caller; later ones find it in memory.
    expect((await read(viaNodes, (l) => l.nodes)).statements).toBe(2);
    const nodes = await read(viaNodes, (l) => l.nodes);
    const edges = await read(viaEdges, (l) => l.edges.map((e: { node: unknown }) => e.node));
    // The page with its families and children, in one statement.
    expect(nodes.statements).toBe(1);
    expect(edges.statements).toBe(1);
    expect(edges.list).toEqual(nodes.list);
    // The same values as the database holds, children in family order.
    const { rows } = await t.db.query(
      `SELECT r.id, json_build_object('id', f.id, 'name', f.name, 'reference', f.reference) AS family,
              json_agg(json_build_object('id', fm.id, 'givenName', fm.given_name, 'familyName', fm.family_name,
                                         'dateOfBirth', fm.date_of_birth::text, 'role', fm.role) ORDER BY fm.seq) AS children
         FROM referrals r JOIN families f ON f.id = r.family_id
         JOIN referral_children rc ON rc.referral_id = r.id JOIN family_members fm ON fm.id = rc.member_id
        WHERE r.service_id = $1 GROUP BY r.id, f.id`,
      [service.id],
    );
    expect(nodes.list).toHaveLength(10);
    expect([...nodes.list].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      rows.sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it("reads a lead's family page with its referrals, their events and the events' actors in one statement", async () => {
    const few = await seed(10); // one referral per family
    const many = await seed(100); // five per family
    const PAGE = `query($id: ID!) { family(id: $id) { id referrals { id events { status at actor { id name } } } } }`;
    const page = async (f: { id: string; leadProfessionalId: string }) => {
      const before = t.statements();
      const family = data(await t.gql(PAGE, { id: f.id }, t.tokenFor(f.leadProfessionalId)), 'family');
      return { statements: t.statements() - before, referrals: family.referrals };
    };
    const one = await page(few.families[0]);
    const five = await page(many.families[0]);
    expect(one.referrals).toHaveLength(1);
    expect(five.referrals).toHaveLength(5);
    // The caller's look-up, then the audited family read with the referrals and their events.
    expect(one.statements).toBe(2);
    expect(five.statements).toBe(2);
    const { rows } = await t.db.query(
      `SELECT r.id, json_agg(json_build_object('status', e.status, 'at', e.at, 'actor', json_build_object('id', u.id, 'name', u.name))
                             ORDER BY e.at, e.status, e.id) AS events
         FROM referrals r JOIN referral_events e ON e.referral_id = r.id JOIN users u ON u.id = e.actor_id
        WHERE r.family_id = $1 GROUP BY r.id`,
      [many.families[0].id],
    );
    const expected = rows.map((r: { id: string; events: { at: string }[] }) => ({
      id: r.id,
      events: r.events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    }));
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...five.referrals].sort(byId)).toEqual(expected.sort(byId));
  });

  it("brings a family's referrals without events along with the lead's read, as the database holds them", async () => {
    const many = await seed(100); // five per family
    const f = many.families[0];
    await t.db.query(
      `UPDATE referrals SET decided_at = date_trunc('second', received_at) + interval '1 day 0.123456 second' WHERE family_id = $1`,
      [f.id],
    );
    const PAGE = `query($id: ID!) { family(id: $id) { id referrals { id reference status version urgency createdAt receivedAt decidedAt } } }`;
    const before = t.statements();
    const family = data(await t.gql(PAGE, { id: f.id }, t.tokenFor(f.leadProfessionalId)), 'family');
    expect(t.statements() - before).toBe(2);
    const { rows } = await t.db.query(
      `SELECT id, reference, status, version, urgency, created_at, received_at, decided_at FROM referrals
        WHERE family_id = $1 ORDER BY created_at, length(reference), reference`,
      [f.id],
    );
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    expect(family.referrals).toEqual(
      rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        status: r.status,
        version: r.version,
        urgency: r.urgency,
        createdAt: iso(r.created_at),
        receivedAt: iso(r.received_at),
        decidedAt: iso(r.decided_at),
      })),
    );
    expect(family.referrals.some((r: { decidedAt: string | null }) => r.decidedAt?.endsWith('.123Z'))).toBe(
      true,
    );
  });

  it('is the same for 10 and for 100 referrals, for agency staff and for an admin', async () => {
    const small = await seed(10);
    const large = await seed(100);
    const admin = await createUser(t.db, { roles: [Role.ADMIN] });
    const adminToken = t.tokenFor(admin.id);
    // Warm up (first requests prepare caches that later ones reuse, and read their caller).
    await statementsFor(small.token, small.service.id, 10);
    await statementsFor(large.token, large.service.id, 100);
    await statementsFor(adminToken, small.service.id, 10);
    const staffSmall = await statementsFor(small.token, small.service.id, 10);
    const staffLarge = await statementsFor(large.token, large.service.id, 100);
    expect(staffLarge).toBe(staffSmall);
    expect(staffLarge).toBeLessThanOrEqual(20);
    const adminSmall = await statementsFor(adminToken, small.service.id, 10);
    const adminLarge = await statementsFor(adminToken, large.service.id, 100);
    expect(adminLarge).toBe(adminSmall);
  });

  it("reads an agency's inbox of one status as an ordered walk of the inbox index, with no sort", async () => {
    const { service, token } = await seed(30);
    const [{ agency_id: agencyId }] = (
      await t.db.query('SELECT agency_id FROM services WHERE id = $1', [service.id])
    ).rows;
    let res!: GraphQLResponse;
    const sent = await t.recordStatements(async () => {
      res = await t.gql(
        `query($agencyId: ID!) { referrals(first: 5, filter: { agencyId: $agencyId, status: [SENT] }) {
           totalCount nodes { id receivedAt } } }`,
        { agencyId },
        token,
      );
    });
    const list = data(res, 'referrals');
    expect(list.totalCount).toBe(30);
    expect(list.nodes).toHaveLength(5);
    const page = sent.find((s) => s.sql.includes('sort_rank'));
    expect(page).toBeDefined();
    // With the other paths priced out, the plan shows whether the index can give the page's order:
    // if it cannot, a Sort of all the agency's SENT referrals sits under the Limit.
    const client = await t.db.connect();
    let plan;
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${page!.sql}`, page!.params);
      plan = rows[0]['QUERY PLAN'][0].Plan;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    // The page's own path: from the top, through each node's outer input (not its subplans).
    const path: { 'Node Type': string; 'Index Name'?: string }[] = [];
    for (let node = plan; node; node = node.Plans?.find((p: any) => p['Parent Relationship'] === 'Outer')) {
      path.push(node);
    }
    expect(path.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(path[path.length - 1]).toMatchObject({
      'Node Type': 'Index Scan',
      'Index Name': 'referrals_inbox_order_idx',
    });
  });
});
