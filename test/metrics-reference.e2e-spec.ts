import {
  generateMetricsHistory,
  type History,
  isReReferral,
  localDate,
  referenceReferralFigures,
  referenceWaitFigures,
  type RawWaitFigures,
  type Scope,
} from './support/metrics-history.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const METRIC = '{ value suppressed }';
const STATS = `{ count ${METRIC} medianDays ${METRIC} p92Days ${METRIC} withinTargetPercent ${METRIC} over18Weeks ${METRIC} }`;
const QUERY = `query($f: MetricsFilter!) {
  referralMetrics(filter: $f) {
    from to
    received ${METRIC} ratePer10kChildren ${METRIC} reReferralPercent ${METRIC}
    accepted ${METRIC} declined ${METRIC} acceptancePercent ${METRIC}
    byMonth { month received ${METRIC} ratePer10kChildren ${METRIC} }
  }
  waitingTimeMetrics(filter: $f) { from to completed ${STATS} waiting ${STATS} }
}`;

type M = { value: number | null; suppressed: boolean };
const MAX = 5;
const small = (n: number) => n >= 1 && n <= MAX;
const raw = (value: number | null): M => ({ value, suppressed: false });
const HIDDEN: M = { value: null, suppressed: true };

// The expected publication, written out independently of the module's rules.
const count = (n: number, board: boolean) => (board && small(n) ? HIDDEN : raw(n));
const derived = (v: number | null, n: number, board: boolean) => (board && small(n) ? HIDDEN : raw(v));
const pct = (num: number, den: number, board: boolean) =>
  board && (small(num) || small(den) || small(den - num)) ? HIDDEN : raw(den ? (100 * num) / den : null);
const rate = (n: number, pop: number | null) => (pop ? (n * 10_000) / pop : null);

function expectedReferrals(h: History, from: string, to: string, s: Scope, board: boolean) {
  const f = referenceReferralFigures(h, from, to, s);
  const hide = f.byMonth.map((m) => board && small(m.received));
  if (board && hide.filter(Boolean).length === 1 && !small(f.received)) {
    let best = -1;
    f.byMonth.forEach((m, i) => {
      if (!hide[i] && m.received > 0 && (best < 0 || m.received < f.byMonth[best].received)) best = i;
    });
    if (best >= 0) hide[best] = true;
  }
  return {
    from,
    to,
    received: count(f.received, board),
    ratePer10kChildren: derived(rate(f.received, f.population), f.received, board),
    reReferralPercent: pct(f.reReferrals, f.received, board),
    accepted: count(f.accepted, board),
    declined: count(f.declined, board),
    acceptancePercent: pct(f.accepted, f.accepted + f.declined, board),
    byMonth: f.byMonth.map((m, i) => ({
      month: m.month,
      received: hide[i] ? HIDDEN : raw(m.received),
      ratePer10kChildren: hide[i] ? HIDDEN : raw(rate(m.received, f.population)),
    })),
  };
}

const stats = (w: RawWaitFigures, board: boolean) => ({
  count: count(w.count, board),
  medianDays: derived(w.median, w.count, board),
  p92Days: derived(w.p92, w.count, board),
  withinTargetPercent: pct(w.withinTarget, w.count, board),
  over18Weeks: count(w.over18Weeks, board),
});

const PERIODS: [string, string][] = [
  ['2023-04-01', '2024-03-31'],
  ['2024-04-01', '2025-03-31'],
  ['2024-02-01', '2024-02-29'],
  ['2024-03-31', '2024-04-01'],
  ['2024-01-15', '2024-05-10'],
  ['2025-04-01', '2025-06-30'],
];

describe('board metrics against a reference calculation', () => {
  let t: TestApp;
  let h: History;
  let scopes: [string, Scope][];
  beforeAll(async () => {
    t = await startTestApp('metrics_reference');
    h = await generateMetricsHistory(t.db);
    const [north, south, east, unmeasured] = h.areas.map((a) => a.id);
    const [healthId, socialId] = h.agencies.map((a) => a.id);
    scopes = [
      ['all', {}],
      ['area', { areaId: north }],
      ['area without population', { areaId: unmeasured }],
      ['agency', { agencyId: healthId }],
      ['service with an age limit', { serviceId: h.under5Service.id }],
      ['area and agency', { areaId: south, agencyId: socialId }],
      ['area and service', { areaId: east, serviceId: h.services[3].id }],
      ['edge agency', { agencyId: h.edgeAgencyId }],
    ];
  });
  afterAll(() => t.close());

  it('generates a history that covers the cases the definitions turn on', () => {
    const r = h.referrals;
    const statuses = new Set(r.map((x) => x.status));
    for (const s of ['DRAFT', 'SENT', 'ACCEPTED', 'DECLINED', 'STARTED', 'COMPLETED', 'WITHDRAWN']) {
      expect(statuses.has(s as never)).toBe(true);
    }
    const waits = r
      .filter((x) => x.startedAt)
      .map((x) =>
        Math.round((Date.parse(localDate(x.startedAt!)) - Date.parse(localDate(x.receivedAt!))) / 864e5),
      );
    expect(Math.min(...waits)).toBe(0);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(300);
    expect(r.some((x) => x.receivedAt && localDate(x.receivedAt) === '2024-02-29')).toBe(true);
    const received = r.filter((x) => x.receivedAt).map((x) => localDate(x.receivedAt!));
    expect(received.some((d) => d < '2023-04-01')).toBe(true);
    expect(received.some((d) => d > '2025-03-31')).toBe(true);
  });

  it('classifies the hand-written edge cases as the definitions say (checks the reference itself)', () => {
    const byLabel = (label: string) => h.referrals.find((x) => x.label === label)!;
    expect(localDate(byLabel('year-edge').receivedAt!)).toBe('2024-04-01');
    expect(localDate(byLabel('winter-late').receivedAt!)).toBe('2024-01-31');
    expect(
      Object.fromEntries(
        [
          'leap-inside',
          'leap-outside',
          'leap-boundary',
          'day-inside',
          'day-outside',
          'exact-12-months',
          'dst-outside',
          'same-instant',
          'other-agency',
        ].map((l) => [l, isReReferral(h, byLabel(l))]),
      ),
    ).toEqual({
      'leap-inside': true,
      'leap-outside': false,
      'leap-boundary': true,
      'day-inside': true,
      'day-outside': false,
      'exact-12-months': true,
      'dst-outside': false,
      'same-instant': false,
      'other-agency': false,
    });
  });

  it('agrees with the reference for every period and scope, raw for admins and suppressed for board members', async () => {
    const adminToken = t.tokenFor(h.users.admin);
    const boardToken = t.tokenFor(h.users.board);
    let suppressedSeen = 0;
    let publishedSeen = 0;
    for (const [from, to] of PERIODS) {
      for (const [name, scope] of scopes) {
        for (const [role, token, board] of [
          ['admin', adminToken, false],
          ['board', boardToken, true],
        ] as const) {
          const res = await t.gql(QUERY, { f: { from, to, ...scope } }, token);
          expect(res.errors).toBeUndefined();
          const context = `${role} ${from}..${to} ${name}`;
          expect({ context, ...res.data!.referralMetrics }).toEqual({
            context,
            ...expectedReferrals(h, from, to, scope, board),
          });
          const waits = referenceWaitFigures(h, from, to, scope);
          expect({ context, ...res.data!.waitingTimeMetrics }).toEqual({
            context,
            from,
            to,
            completed: stats(waits.completed, board),
            waiting: stats(waits.waiting, board),
          });
          const cells = JSON.stringify(res.data);
          suppressedSeen += cells.split('"suppressed":true').length - 1;
          publishedSeen += cells.split('"suppressed":false').length - 1;
        }
      }
    }
    // The comparison must have exercised both hidden and published cells.
    expect(suppressedSeen).toBeGreaterThan(50);
    expect(publishedSeen).toBeGreaterThan(500);
  }, 60_000);

  it('counts the edge cases where the definitions put them', async () => {
    const token = t.tokenFor(h.users.admin);
    const q = `query($f: MetricsFilter!) { referralMetrics(filter: $f) { received { value } reReferralPercent { value } byMonth { month received { value } } } }`;
    // 1 April 2024 holds the 23:30 UTC referral of 31 March; 31 March 2024 in London does not.
    const [north] = h.areas.map((a) => a.id);
    const therapy = h.services[0].id;
    const day = async (d: string) =>
      (await t.gql(q, { f: { from: d, to: d, areaId: north, serviceId: therapy } }, token)).data!
        .referralMetrics.received.value;
    const expectDay = (d: string) =>
      h.referrals.filter(
        (r) => r.areaId === north && r.serviceId === therapy && r.receivedAt && localDate(r.receivedAt) === d,
      ).length;
    expect(await day('2024-04-01')).toBe(expectDay('2024-04-01'));
    expect(expectDay('2024-04-01')).toBeGreaterThanOrEqual(1);
    expect(await day('2024-03-31')).toBe(expectDay('2024-03-31'));
    // The edge agency in 2024-25: day-inside, day-outside, exact, same-instant (2), other-agency,
    // leap-inside, leap-outside, dst-outside; re-referrals: day-inside, exact, leap-inside.
    const edge = await t.gql(
      q,
      { f: { from: '2024-04-01', to: '2025-03-31', agencyId: h.edgeAgencyId } },
      token,
    );
    expect(edge.data!.referralMetrics.received.value).toBe(9);
    expect(edge.data!.referralMetrics.reReferralPercent.value).toBe(300 / 9);
    // Filtering by service keeps the earlier referral to the agency's other service in the look-back.
    const service = h.services.find((s) => s.agencyId === h.edgeAgencyId)!.id;
    const june = await t.gql(q, { f: { from: '2024-06-14', to: '2024-06-14', serviceId: service } }, token);
    expect(june.data!.referralMetrics.reReferralPercent.value).toBe(100);
  });

  it('publishes no byMonth cell that subtraction from published cells would reveal', async () => {
    const token = t.tokenFor(h.users.board);
    const q = `query($f: MetricsFilter!) { referralMetrics(filter: $f) { received ${METRIC} byMonth { received ${METRIC} ratePer10kChildren ${METRIC} } } }`;
    let checked = 0;
    for (const [from, to] of [...PERIODS, ['2023-03-01', '2025-06-30'] as [string, string]]) {
      const byService: Scope[] = h.services.map((s) => ({ serviceId: s.id }));
      for (const scope of [...scopes.map(([, s]) => s), ...byService]) {
        {
          const res = await t.gql(q, { f: { from, to, ...scope } }, token);
          const m = res.data!.referralMetrics;
          const hiddenMonths = m.byMonth.filter((x: { received: M }) => x.received.suppressed);
          for (const x of m.byMonth) expect(x.ratePer10kChildren.suppressed).toBe(x.received.suppressed);
          if (!m.received.suppressed) {
            // total = sum of months: a single hidden month would be total − the published ones.
            expect(hiddenMonths.length).not.toBe(1);
            const published = m.byMonth
              .filter((x: { received: M }) => !x.received.suppressed)
              .reduce((a: number, x: { received: M }) => a + x.received.value!, 0);
            if (hiddenMonths.length === 0) expect(published).toBe(m.received.value);
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 60_000);
});
