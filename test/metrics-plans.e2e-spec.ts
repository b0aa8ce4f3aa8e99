import { Role } from '../src/common/enums.js';
import { createAgency, createArea, createFamily, createService, createUser } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REFERRALS = `query($f: MetricsFilter!) { referralMetrics(filter: $f) { received { value } accepted { value } } }`;
const WAITS = `query($f: MetricsFilter!) { waitingTimeMetrics(filter: $f) {
  completed { count { value } } waiting { count { value } } } }`;

/** The partial indexes on referrals the board metrics read, each with the rows it keeps. */
const PARTIAL_INDEXES: Record<string, string> = {
  referrals_received_idx: 'received_at IS NOT NULL',
  referrals_decided_idx: 'decided_at IS NOT NULL',
  referrals_started_idx: 'started_at IS NOT NULL',
  referrals_wait_end_idx: 'received_at IS NOT NULL',
};

/** Every index a plan (with its subplans and CTEs) reads. */
function indexesIn(plan: { 'Index Name'?: string; Plans?: unknown[] }): string[] {
  const own = plan['Index Name'] ? [plan['Index Name']] : [];
  return [...own, ...((plan.Plans ?? []) as (typeof plan)[]).flatMap(indexesIn)];
}

describe('board metrics read the partial indexes on referrals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('metricsplans');
  });
  afterAll(() => t.close());

  it('keep only the referrals that have the indexed stamp', async () => {
    const { rows } = await t.db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'referrals' AND indexname = ANY($1)`,
      [[...Object.keys(PARTIAL_INDEXES), 'referrals_package_idx']],
    );
    const predicates = Object.fromEntries(
      rows.map((r) => [r.indexname, /WHERE \((.*)\)$/.exec(r.indexdef)?.[1]]),
    );
    expect(predicates).toEqual({ ...PARTIAL_INDEXES, referrals_package_idx: 'package_id IS NOT NULL' });
  });

  it("are planned on them: each statement's conditions prove the index's rows", async () => {
    const board = t.tokenFor((await createUser(t.db, { roles: [Role.BOARD_MEMBER] })).id);
    // Two years of referrals in every state, so that the planner prices each index by what it holds.
    const lead = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const area = await createArea(t.db);
    const agency = await createAgency(t.db);
    const service = await createService(t.db, agency.id);
    const family = await createFamily(t.db, { areaId: area.id, leadProfessionalId: lead.id });
    await t.db.query(
      `INSERT INTO referrals (reference, family_id, service_id, agency_id, referred_by_id, reason, status,
                              received_at, decided_at, started_at, package_id)
       SELECT 'PLAN-' || g, $1, $2, $3, $4, 'Reason', s.status::referral_status,
              CASE WHEN s.status <> 'DRAFT' THEN r.at END,
              CASE WHEN s.status IN ('ACCEPTED', 'DECLINED', 'STARTED', 'COMPLETED') THEN r.at + interval '9 days' END,
              CASE WHEN s.status IN ('STARTED', 'COMPLETED') THEN r.at + interval '30 days' END, NULL
         FROM generate_series(1, 4000) g,
              LATERAL (SELECT timestamptz '2023-06-01' + g * interval '4 hours' AS at) r,
              LATERAL (SELECT (ARRAY['DRAFT', 'SENT', 'ACCEPTED', 'DECLINED', 'STARTED', 'COMPLETED'])[1 + g % 6] AS status) s`,
      [family.id, service.id, agency.id, lead.id],
    );
    await t.db.query('ANALYZE referrals');
    const sent = (
      await t.recordStatements(async () => {
        for (const query of [REFERRALS, WAITS]) {
          const res = await t.gql(query, { f: { from: '2024-04-01', to: '2025-03-31' } }, board);
          expect(res.errors).toBeUndefined();
        }
      })
    ).filter((s) => /\breferrals r\b/.test(s.sql));
    expect(sent).toHaveLength(2);
    // With scans of the whole table priced out, an index whose rows the conditions do not prove to
    // be all it needs cannot be chosen: the plan would read the table instead.
    const client = await t.db.connect();
    const used: string[] = [];
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      for (const { sql, params } of sent) {
        const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        used.push(...indexesIn(rows[0]['QUERY PLAN'][0].Plan));
      }
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(used).toEqual(expect.arrayContaining(Object.keys(PARTIAL_INDEXES)));
  });
});
