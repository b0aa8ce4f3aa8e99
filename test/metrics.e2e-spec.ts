import type pg from 'pg';
import { Role } from '../src/common/enums.js';
import { createAgency, createArea, createService, createUser } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const M = '{ value suppressed }';
const REFERRALS = `query($f: MetricsFilter!) { referralMetrics(filter: $f) {
  from to received ${M} ratePer10kChildren ${M} reReferralPercent ${M}
  accepted ${M} declined ${M} acceptancePercent ${M}
  byMonth { month received ${M} ratePer10kChildren ${M} } } }`;
const STATS = `{ count ${M} medianDays ${M} p92Days ${M} withinTargetPercent ${M} over18Weeks ${M} }`;
const WAITS = `query($f: MetricsFilter!) { waitingTimeMetrics(filter: $f) { from to completed ${STATS} waiting ${STATS} } }`;

const HIDDEN = { value: null, suppressed: true };
const shown = (value: number | null) => ({ value, suppressed: false });

interface Row {
  familyId: string;
  serviceId: string;
  agencyId: string;
  status?: string;
  receivedAt: string;
  decidedAt?: string;
  startedAt?: string;
  closedAt?: string;
}

/** A small world per test: one area, one agency, services, families and a writer of referrals. */
async function world(db: pg.Pool, leadId: string) {
  const area = await createArea(db, { childPopulation: 20_000 });
  const agency = await createAgency(db);
  const service = await createService(db, agency.id, { waitingTimeTargetDays: 30 });
  const families: string[] = [];
  const family = async () => {
    const { rows } = await db.query(
      `INSERT INTO families (reference, name, area_id, lead_professional_id, created_by_id)
       VALUES (next_reference('FAM', 'family_reference_seq'), 'F', $1, $2, $2) RETURNING id`,
      [area.id, leadId],
    );
    families.push(rows[0].id);
    return rows[0].id as string;
  };
  const insert = async (rows: Row[]) => {
    for (const r of rows) {
      await db.query(
        `INSERT INTO referrals (reference, family_id, service_id, agency_id, referred_by_id, reason, status,
                                received_at, decided_at, started_at, closed_at)
         VALUES (next_reference('REF', 'referral_reference_seq'), $1, $2, $3, $4, 'r',
                 $5::referral_status, $6, $7, $8, $9)`,
        [
          r.familyId,
          r.serviceId,
          r.agencyId,
          leadId,
          r.status ?? 'SENT',
          r.receivedAt,
          r.decidedAt ?? null,
          r.startedAt ?? null,
          r.closedAt ?? null,
        ],
      );
    }
  };
  /** n referrals from new families, received on `day` at noon UTC. */
  const received = async (n: number, day: string, extra: Partial<Row> = {}) => {
    for (let i = 0; i < n; i++) {
      await insert([
        {
          familyId: await family(),
          serviceId: service.id,
          agencyId: agency.id,
          receivedAt: `${day}T12:00:00Z`,
          ...extra,
        },
      ]);
    }
  };
  return { area, agency, service, family, insert, received };
}

describe('board metrics: access, input and disclosure control', () => {
  let t: TestApp;
  let admin: string;
  let board: string;
  let lead: string;
  let leadId: string;
  let staff: string;
  beforeAll(async () => {
    t = await startTestApp('metrics');
    const agency = await createAgency(t.db);
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
    board = t.tokenFor((await createUser(t.db, { roles: [Role.BOARD_MEMBER] })).id);
    leadId = (await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] })).id;
    lead = t.tokenFor(leadId);
    staff = t.tokenFor((await createUser(t.db, { roles: [Role.AGENCY_STAFF], agencyId: agency.id })).id);
  });
  afterAll(() => t.close());

  const f = (extra: Record<string, unknown> = {}) => ({
    f: { from: '2024-04-01', to: '2025-03-31', ...extra },
  });
  const referrals = async (token: string, filter: Record<string, unknown>) => {
    const res = await t.gql(REFERRALS, { f: filter }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.referralMetrics;
  };
  const waits = async (token: string, filter: Record<string, unknown>) => {
    const res = await t.gql(WAITS, { f: filter }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.waitingTimeMetrics;
  };

  describe('access', () => {
    it('refuses lead professionals and agency staff with FORBIDDEN', async () => {
      for (const token of [lead, staff]) {
        for (const q of [REFERRALS, WAITS]) {
          const res = await t.gql(q, f(), token);
          expect(codeOf(res)).toBe('FORBIDDEN');
          expect(res.data).toBeNull();
        }
      }
    });

    it('refuses anonymous callers and answers board members and admins', async () => {
      expect(codeOf(await t.gql(REFERRALS, f()))).toBe('UNAUTHENTICATED');
      for (const token of [board, admin]) {
        expect((await referrals(token, f().f)).received).toEqual(shown(0));
        expect((await waits(token, f().f)).waiting.count).toEqual(shown(0));
      }
    });
  });

  describe('input', () => {
    it('refuses from after to, periods over ten years and malformed dates with BAD_USER_INPUT', async () => {
      const bad = [
        { from: '2024-04-02', to: '2024-04-01' },
        { from: '2014-04-01', to: '2025-03-31' },
        { from: '2024-02-30', to: '2024-03-31' },
        { from: '2024/04/01', to: '2025-03-31' },
        { from: '2024-04-01', to: '2025-3-31' },
        { from: '2024-04-01T00:00:00Z', to: '2025-03-31' },
      ];
      for (const filter of bad) {
        for (const q of [REFERRALS, WAITS]) {
          const res = await t.gql(q, { f: filter }, admin);
          expect({ filter, code: codeOf(res) }).toEqual({ filter, code: 'BAD_USER_INPUT' });
        }
      }
    });

    it('refuses scope ids that are not ids, and answers zeros for an unknown area', async () => {
      for (const key of ['areaId', 'agencyId', 'serviceId']) {
        expect(codeOf(await t.gql(REFERRALS, f({ [key]: 'not-an-id' }), board))).toBe('BAD_USER_INPUT');
        expect(codeOf(await t.gql(WAITS, f({ [key]: "1' OR '1'='1" }), board))).toBe('BAD_USER_INPUT');
      }
      const unknown = await referrals(board, f({ areaId: '00000000-0000-4000-8000-000000000000' }).f);
      expect(unknown.received).toEqual(shown(0));
      expect(unknown.ratePer10kChildren).toEqual(shown(null));
      expect(unknown.byMonth).toHaveLength(12);
    });
  });

  describe('disclosure control, board member beside admin', () => {
    it('hides counts from 1 to 5 and their rates, and publishes 0 and 6', async () => {
      const w = await world(t.db, leadId);
      const scope = { areaId: w.area.id, agencyId: w.agency.id, from: '2024-06-01', to: '2024-06-30' };
      expect((await referrals(board, scope)).received).toEqual(shown(0));
      await w.received(5, '2024-06-10');
      const b5 = await referrals(board, scope);
      const a5 = await referrals(admin, scope);
      expect([b5.received, b5.ratePer10kChildren]).toEqual([HIDDEN, HIDDEN]);
      expect(b5.byMonth).toEqual([{ month: '2024-06', received: HIDDEN, ratePer10kChildren: HIDDEN }]);
      expect([a5.received, a5.ratePer10kChildren]).toEqual([shown(5), shown(50_000 / 20_000)]);
      await w.received(1, '2024-06-11');
      const b6 = await referrals(board, scope);
      expect([b6.received, b6.ratePer10kChildren]).toEqual([shown(6), shown(60_000 / 20_000)]);
      expect(b6.byMonth[0].received).toEqual(shown(6));
    });

    it('uses SUPPRESSION_MAX from the configuration', async () => {
      const w = await world(t.db, leadId);
      await w.received(3, '2024-06-10');
      const other = await startTestApp('metrics_max', { suppressionMax: 2 });
      try {
        const token = other.tokenFor((await createUser(other.db, { roles: [Role.BOARD_MEMBER] })).id);
        const w2 = await world(
          other.db,
          (await createUser(other.db, { roles: [Role.LEAD_PROFESSIONAL] })).id,
        );
        await w2.received(3, '2024-06-10');
        await w2.received(2, '2024-07-10');
        const month = async (from: string, to: string) =>
          (await other.gql(REFERRALS, { f: { agencyId: w2.agency.id, from, to } }, token)).data!
            .referralMetrics.received;
        expect(await month('2024-06-01', '2024-06-30')).toEqual(shown(3));
        expect(await month('2024-07-01', '2024-07-31')).toEqual(HIDDEN);
        // …while the default of 5 hides the 3 here.
        const here = await referrals(board, { agencyId: w.agency.id, from: '2024-06-01', to: '2024-06-30' });
        expect(here.received).toEqual(HIDDEN);
      } finally {
        await other.close();
      }
    });

    it('hides a percentage when its numerator, denominator or their difference is small', async () => {
      const w = await world(t.db, leadId);
      const period = { from: '2024-06-01', to: '2024-06-30' };
      // 20 received in June, of which 3 re-referrals (earlier referral in January).
      await w.received(17, '2024-06-05');
      for (let i = 0; i < 3; i++) {
        const fam = await w.family();
        const row = { familyId: fam, serviceId: w.service.id, agencyId: w.agency.id };
        await w.insert([
          { ...row, receivedAt: '2024-01-10T10:00:00Z' },
          { ...row, receivedAt: '2024-06-06T10:00:00Z' },
        ]);
      }
      const scope = { ...period, agencyId: w.agency.id };
      expect((await referrals(admin, scope)).reReferralPercent).toEqual(shown(300 / 20));
      expect((await referrals(board, scope)).reReferralPercent).toEqual(HIDDEN);

      // Decisions in July: 10 accepted, 3 declined → declined and the percentage hidden.
      const july = { from: '2024-07-01', to: '2024-07-31', agencyId: w.agency.id };
      await w.received(10, '2024-06-20', { status: 'ACCEPTED', decidedAt: '2024-07-02T09:00:00Z' });
      await w.received(3, '2024-06-20', { status: 'DECLINED', decidedAt: '2024-07-03T09:00:00Z' });
      const aj = await referrals(admin, july);
      const bj = await referrals(board, july);
      expect([aj.accepted, aj.declined, aj.acceptancePercent]).toEqual([
        shown(10),
        shown(3),
        shown(1000 / 13),
      ]);
      expect([bj.accepted, bj.declined, bj.acceptancePercent]).toEqual([shown(10), HIDDEN, HIDDEN]);
      // 7 more declined → 10 of 20: every part large, published.
      await w.received(7, '2024-06-21', { status: 'DECLINED', decidedAt: '2024-07-04T09:00:00Z' });
      const bj2 = await referrals(board, july);
      expect([bj2.accepted, bj2.declined, bj2.acceptancePercent]).toEqual([shown(10), shown(10), shown(50)]);
      // A later withdrawal does not turn an accepted referral into anything else.
      await w.received(1, '2024-06-22', {
        status: 'WITHDRAWN',
        decidedAt: '2024-07-05T09:00:00Z',
        closedAt: '2024-07-20T09:00:00Z',
      });
      expect((await referrals(admin, july)).accepted).toEqual(shown(11));

      // 17 of the 20 June referrals are not re-referrals, 3 are: the difference rule, seen
      // from the other side: 20 received in August of which 17 are re-referrals.
      const w2 = await world(t.db, leadId);
      await w2.received(3, '2024-08-05');
      for (let i = 0; i < 17; i++) {
        const fam = await w2.family();
        const row = { familyId: fam, serviceId: w2.service.id, agencyId: w2.agency.id };
        await w2.insert([
          { ...row, receivedAt: '2024-02-10T10:00:00Z' },
          { ...row, receivedAt: '2024-08-06T10:00:00Z' },
        ]);
      }
      const aug = { from: '2024-08-01', to: '2024-08-31', agencyId: w2.agency.id };
      expect((await referrals(admin, aug)).reReferralPercent).toEqual(shown(1700 / 20));
      expect((await referrals(board, aug)).reReferralPercent).toEqual(HIDDEN);
    });

    it('hides median, 92nd percentile and within-target share with a small count of waits', async () => {
      const w = await world(t.db, leadId);
      const period = { from: '2024-09-01', to: '2024-09-30', agencyId: w.agency.id };
      // Four waits started in September: 10, 20, 40 and 200 days.
      for (const [received, started] of [
        ['2024-09-10', '2024-09-20'],
        ['2024-08-31', '2024-09-20'],
        ['2024-08-11', '2024-09-20'],
        ['2024-03-04', '2024-09-20'],
      ]) {
        await w.received(1, received, {
          status: 'STARTED',
          decidedAt: `${received}T13:00:00Z`,
          startedAt: `${started}T10:00:00Z`,
        });
      }
      const a = (await waits(admin, period)).completed;
      expect(a).toEqual({
        count: shown(4),
        medianDays: shown(30),
        p92Days: shown(40 + (0.92 * 3 - 2) * (200 - 40)), // percentile_cont's interpolation
        withinTargetPercent: shown(50),
        over18Weeks: shown(1),
      });
      const b = (await waits(board, period)).completed;
      expect(b).toEqual({
        count: HIDDEN,
        medianDays: HIDDEN,
        p92Days: HIDDEN,
        withinTargetPercent: HIDDEN,
        over18Weeks: HIDDEN,
      });
      // Ten waits of which 8 within target: count published, the share hidden (10 − 8 is small).
      for (let i = 0; i < 6; i++) {
        await w.received(1, '2024-09-01', {
          status: 'STARTED',
          decidedAt: '2024-09-01T13:00:00Z',
          startedAt: '2024-09-05T10:00:00Z',
        });
      }
      const b10 = (await waits(board, period)).completed;
      expect(b10.count).toEqual(shown(10));
      expect(b10.medianDays).toEqual(shown(4));
      expect(b10.withinTargetPercent).toEqual(HIDDEN);
      expect(b10.over18Weeks).toEqual(HIDDEN);
      expect((await waits(admin, period)).completed.withinTargetPercent).toEqual(shown(80));
    });

    it('hides the smallest other month when exactly one month is small and the total is published', async () => {
      const w = await world(t.db, leadId);
      const period = { from: '2024-04-01', to: '2024-07-31', agencyId: w.agency.id, areaId: w.area.id };
      await w.received(10, '2024-04-15');
      await w.received(3, '2024-05-15');
      await w.received(8, '2024-06-15');
      await w.received(9, '2024-07-15');
      const a = await referrals(admin, period);
      const b = await referrals(board, period);
      expect(a.byMonth.map((m: { received: unknown }) => m.received)).toEqual([
        shown(10),
        shown(3),
        shown(8),
        shown(9),
      ]);
      expect(b.received).toEqual(shown(30));
      expect(b.byMonth).toEqual([
        { month: '2024-04', received: shown(10), ratePer10kChildren: shown(5) },
        { month: '2024-05', received: HIDDEN, ratePer10kChildren: HIDDEN },
        { month: '2024-06', received: HIDDEN, ratePer10kChildren: HIDDEN },
        { month: '2024-07', received: shown(9), ratePer10kChildren: shown(4.5) },
      ]);
      // A second small month: subtraction gives only the sum of the two, nothing more is hidden.
      await w.received(2, '2024-07-16');
      const period2 = { ...period, to: '2024-08-31' };
      await w.received(2, '2024-08-15');
      const b2 = await referrals(board, period2);
      expect(b2.byMonth.map((m: { received: unknown }) => m.received)).toEqual([
        shown(10),
        HIDDEN,
        shown(8),
        shown(11),
        HIDDEN,
      ]);
    });
  });

  it('answers each metric with a constant number of SQL statements', async () => {
    const w = await world(t.db, leadId);
    const cost = async (q: string, filter: Record<string, unknown>) => {
      const before = t.statements();
      const res = await t.gql(q, { f: filter }, admin);
      expect(res.errors).toBeUndefined();
      return t.statements() - before;
    };
    const small = { from: '2024-04-01', to: '2024-04-30', agencyId: w.agency.id };
    await cost(REFERRALS, small); // the caller's first request of this sign-in also reads the caller
    const costs1 = [await cost(REFERRALS, small), await cost(WAITS, small)];
    await w.received(30, '2024-04-10', {
      status: 'STARTED',
      decidedAt: '2024-04-10T13:00:00Z',
      startedAt: '2024-04-20T10:00:00Z',
    });
    const costs2 = [await cost(REFERRALS, small), await cost(WAITS, small)];
    const wide = [
      await cost(REFERRALS, { from: '2015-04-01', to: '2025-03-31' }),
      await cost(WAITS, { from: '2015-04-01', to: '2025-03-31' }),
    ];
    expect(costs2).toEqual(costs1);
    expect(wide).toEqual(costs1);
    // One statement for the metric; waiting times run theirs in a transaction that sets the
    // reporting time zone (BEGIN, set_config, SELECT, COMMIT).
    expect(costs1).toEqual([1, 4]);
  });
});
