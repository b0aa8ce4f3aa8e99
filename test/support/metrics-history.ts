import type pg from 'pg';
import { AgencyKind, ReferralStatus, Role } from '../../src/common/enums.js';
import { createAgency, createArea, createService, createUser } from './factories.js';
import { prng } from './prng.js';

/**
 * A deterministic referral history written straight into the database with SQL, and an
 * independent reference calculation of every board figure from the generated rows
 * (plain TypeScript over the rows: no SQL, no code of the metrics module).
 */

export const ZONE = 'Europe/London';
const DAY = 86_400_000;

export interface HistoryReferral {
  id: string;
  label?: string;
  familyId: string;
  areaId: string;
  agencyId: string;
  serviceId: string;
  status: ReferralStatus;
  receivedAt: Date | null;
  decidedAt: Date | null;
  startedAt: Date | null;
  closedAt: Date | null;
}

export interface HistoryService {
  id: string;
  agencyId: string;
  waitingTimeTargetDays: number;
  minAgeYears: number | null;
  maxAgeYears: number | null;
}

export interface History {
  areas: { id: string; childPopulation: number | null }[];
  agencies: { id: string }[];
  services: HistoryService[];
  /** The service for children under 5 only. */
  under5Service: HistoryService;
  /** An agency (with one service) used only by the hand-written re-referral cases. */
  edgeAgencyId: string;
  referrals: HistoryReferral[];
  users: { admin: string; board: string; lead: string; staff: string };
}

// ---------------------------------------------------------------------------------------
// Calendar helpers of the reference calculation (Intl only).

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function localParts(instant: number) {
  const p = Object.fromEntries(partsFormat.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}

/** The calendar date (YYYY-MM-DD) of an instant in the reporting zone. */
export function localDate(instant: Date): string {
  const p = localParts(instant.getTime());
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

function offsetAt(instant: number): number {
  const p = localParts(instant);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(instant / 1000) * 1000;
}

/** The instant of a wall-clock time in the reporting zone (the generator avoids the DST-gap hour). */
function fromLocal(y: number, m: number, d: number, h: number, mi: number, s: number): number {
  const guess = Date.UTC(y, m - 1, d, h, mi, s);
  const first = guess - offsetAt(guess);
  const second = guess - offsetAt(first);
  return second;
}

/** The same wall-clock time 12 calendar months earlier, day clamped (29 Feb → 28 Feb). */
export function twelveMonthsBefore(instant: Date): Date {
  const p = localParts(instant.getTime());
  const lastDay = new Date(Date.UTC(p.y - 1, p.m, 0)).getUTCDate();
  const ms = instant.getTime() % 1000;
  return new Date(fromLocal(p.y - 1, p.m, Math.min(p.d, lastDay), p.h, p.mi, p.s) + ms);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
}

// ---------------------------------------------------------------------------------------
// The generator.

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const at = (iso: string) => new Date(iso);

/** Snapshot time of the history: nothing has happened after it. */
export const HISTORY_NOW = at('2025-06-30T12:00:00Z');
const WINDOW_START = at('2023-03-01T00:00:00Z').getTime();
const WINDOW_END = at('2025-06-20T00:00:00Z').getTime();

export async function generateMetricsHistory(db: pg.Pool, seed = 4242): Promise<History> {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  const areas = [
    { ...(await createArea(db, { name: 'North', childPopulation: 12_000 })), childPopulation: 12_000 },
    { ...(await createArea(db, { name: 'South', childPopulation: 25_000 })), childPopulation: 25_000 },
    { ...(await createArea(db, { name: 'East', childPopulation: 8_000 })), childPopulation: 8_000 },
    { ...(await createArea(db, { name: 'Unmeasured', childPopulation: null })), childPopulation: null },
  ];
  const health = await createAgency(db, { name: 'Health trust', kind: AgencyKind.HEALTH });
  const social = await createAgency(db, { name: 'Social care', kind: AgencyKind.SOCIAL_CARE });
  const education = await createAgency(db, { name: 'Education', kind: AgencyKind.EDUCATION });
  const edge = await createAgency(db, { name: 'Edge cases', kind: AgencyKind.VOLUNTARY });
  const svc = async (
    agencyId: string,
    target: number,
    ages: { minAgeYears?: number; maxAgeYears?: number } = {},
  ): Promise<HistoryService> => {
    const s = await createService(db, agencyId, { waitingTimeTargetDays: target, ...ages });
    return {
      id: s.id,
      agencyId,
      waitingTimeTargetDays: target,
      minAgeYears: ages.minAgeYears ?? null,
      maxAgeYears: ages.maxAgeYears ?? null,
    };
  };
  const therapy = await svc(health.id, 42);
  const under5 = await svc(health.id, 56, { minAgeYears: 0, maxAgeYears: 4 });
  const familySupport = await svc(social.id, 28);
  const parenting = await svc(social.id, 84);
  const edPsych = await svc(education.id, 126);
  const edgeService = await svc(edge.id, 30);
  const edgeOther = await svc(edge.id, 30);
  const services = [therapy, under5, familySupport, parenting, edPsych, edgeService, edgeOther];
  const regular = [therapy, familySupport, parenting, edPsych];

  const admin = await createUser(db, { roles: [Role.ADMIN] });
  const board = await createUser(db, { roles: [Role.BOARD_MEMBER] });
  const lead = await createUser(db, { roles: [Role.LEAD_PROFESSIONAL] });
  const staff = await createUser(db, { roles: [Role.AGENCY_STAFF], agencyId: health.id });

  // Families: most in the measured areas, a few in the area without a population.
  const families: { id: string; areaId: string; toddler: boolean }[] = [];
  for (let i = 0; i < 240; i++) {
    const areaId = i % 40 === 39 ? areas[3].id : areas[i % 3].id;
    families.push({ id: uuidFrom(random), areaId, toddler: i % 4 === 0 });
  }
  const edgeFamilies = Array.from({ length: 12 }, () => ({
    id: uuidFrom(random),
    areaId: areas[0].id,
    toddler: false,
  }));
  const allFamilies = [...families, ...edgeFamilies];
  await db.query(
    `INSERT INTO families (id, reference, name, area_id, lead_professional_id, created_by_id)
     SELECT t.id, next_reference('FAM', 'family_reference_seq'), 'History family', t.area_id, $3, $3
     FROM unnest($1::uuid[], $2::uuid[]) AS t(id, area_id)`,
    [allFamilies.map((f) => f.id), allFamilies.map((f) => f.areaId), lead.id],
  );
  // Toddlers (born 2022) are the children referred to the under-5s service.
  const toddlerOf = new Map<string, string>();
  for (const f of families.filter((x) => x.toddler)) toddlerOf.set(f.id, uuidFrom(random));
  await db.query(
    `INSERT INTO family_members (id, family_id, given_name, family_name, date_of_birth, role)
     SELECT t.id, t.family_id, 'Child', 'History', DATE '2022-06-15', 'CHILD'
     FROM unnest($1::uuid[], $2::uuid[]) AS t(id, family_id)`,
    [[...toddlerOf.values()], [...toddlerOf.keys()]],
  );

  const referrals: HistoryReferral[] = [];
  const areaOf = new Map(allFamilies.map((f) => [f.id, f.areaId]));
  const add = (
    familyId: string,
    service: HistoryService,
    fields: Partial<HistoryReferral> & { status: ReferralStatus },
  ) => {
    const r: HistoryReferral = {
      id: uuidFrom(random),
      familyId,
      areaId: areaOf.get(familyId)!,
      agencyId: service.agencyId,
      serviceId: service.id,
      receivedAt: null,
      decidedAt: null,
      startedAt: null,
      closedAt: null,
      ...fields,
    };
    referrals.push(r);
    return r;
  };

  // Random life cycles. Times of day stay between 06:00 and 21:59 UTC, away from the DST gap.
  const now = HISTORY_NOW.getTime();
  const timeOfDay = () => (int(6, 21) * 3600 + int(0, 59) * 60 + int(0, 59)) * 1000;
  for (let i = 0; i < 1500; i++) {
    const toddlerCase = random() < 0.12;
    const family = toddlerCase ? pick(families.filter((f) => f.toddler)) : pick(families);
    const service = toddlerCase ? under5 : pick(regular);
    if (random() < 0.02) {
      add(family.id, service, { status: ReferralStatus.DRAFT });
      continue;
    }
    const day = WINDOW_START + Math.floor(random() * ((WINDOW_END - WINDOW_START) / DAY)) * DAY;
    const received = day + timeOfDay();
    const decided = day + int(0, 14) * DAY + timeOfDay();
    const decisionAt = Math.max(decided, received + 60_000);
    const roll = random();
    if (roll < 0.02 || decisionAt > now) {
      // No decision yet; a few are withdrawn before one.
      const withdrawn = received + int(1, 60) * DAY;
      if (random() < 0.3 && withdrawn <= now) {
        add(family.id, service, {
          status: ReferralStatus.WITHDRAWN,
          receivedAt: new Date(received),
          closedAt: new Date(withdrawn),
        });
      } else add(family.id, service, { status: ReferralStatus.SENT, receivedAt: new Date(received) });
      continue;
    }
    if (roll < 0.2) {
      add(family.id, service, {
        status: ReferralStatus.DECLINED,
        receivedAt: new Date(received),
        decidedAt: new Date(decisionAt),
      });
      continue;
    }
    // Accepted: waits from 0 to 300 days, most under five months.
    const waitDays = random() < 0.06 ? 0 : random() < 0.8 ? int(1, 150) : int(151, 300);
    const start = Math.max(day + waitDays * DAY + timeOfDay(), decisionAt + 60_000);
    if (random() < 0.1) {
      const withdrawn = decisionAt + Math.floor(random() * (start - decisionAt));
      if (withdrawn <= now) {
        add(family.id, service, {
          status: ReferralStatus.WITHDRAWN,
          receivedAt: new Date(received),
          decidedAt: new Date(decisionAt),
          closedAt: new Date(withdrawn),
        });
        continue;
      }
    }
    if (start > now) {
      add(family.id, service, {
        status: ReferralStatus.ACCEPTED,
        receivedAt: new Date(received),
        decidedAt: new Date(decisionAt),
      });
      continue;
    }
    const completed = start + int(30, 200) * DAY;
    add(family.id, service, {
      status: completed <= now ? ReferralStatus.COMPLETED : ReferralStatus.STARTED,
      receivedAt: new Date(received),
      decidedAt: new Date(decisionAt),
      startedAt: new Date(start),
      closedAt: completed <= now ? new Date(completed) : null,
    });
  }

  // Hand-written edge cases, labelled so tests can name them.
  const [e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12] = edgeFamilies.map((f) => f.id);
  const labelled = (label: string, r: HistoryReferral) => Object.assign(r, { label });
  // 23:30 UTC on 31 March 2024 is 00:30 on 1 April in London: the new reporting year and April.
  labelled(
    'year-edge',
    add(e1, therapy, {
      status: ReferralStatus.STARTED,
      receivedAt: at('2024-03-31T23:30:00Z'),
      decidedAt: at('2024-03-31T23:45:00Z'),
      startedAt: at('2024-06-30T23:30:00Z'), // 1 July in London: wait 91 days
    }),
  );
  labelled(
    'year-edge-2025',
    add(e1, familySupport, { status: ReferralStatus.SENT, receivedAt: at('2025-03-31T23:30:00Z') }),
  );
  // In winter 23:30 UTC stays on the same London day.
  labelled(
    'winter-late',
    add(e2, therapy, {
      status: ReferralStatus.DECLINED,
      receivedAt: at('2024-01-31T23:30:00Z'),
      decidedAt: at('2024-02-29T23:30:00Z'),
    }),
  );
  // Waits at the boundaries: 126 days is within 18 weeks, 127 is not; the target (42) is within target.
  for (const [label, days] of [
    ['wait-126', 126],
    ['wait-127', 127],
    ['wait-42', 42],
    ['wait-43', 43],
    ['wait-0', 0],
    ['wait-300', 300],
  ] as const) {
    const received = at('2024-05-10T09:00:00Z').getTime();
    labelled(
      label,
      add(e3, therapy, {
        status: ReferralStatus.STARTED,
        receivedAt: new Date(received),
        decidedAt: new Date(received + 3600_000),
        startedAt: new Date(received + days * DAY + 7200_000),
      }),
    );
  }
  // Re-referrals, all to the edge agency.
  const pair = (family: string, label: string, earlier: string, later: string, other = false) => {
    add(family, other ? edgeOther : edgeService, {
      status: ReferralStatus.SENT,
      receivedAt: at(earlier),
    });
    labelled(label, add(family, edgeService, { status: ReferralStatus.SENT, receivedAt: at(later) }));
  };
  pair(e4, 'leap-inside', '2024-02-29T10:00:00Z', '2025-02-28T10:00:00Z'); // 28 Feb 2025 − 12 months = 28 Feb 2024
  pair(e5, 'leap-outside', '2024-02-29T10:00:00Z', '2025-03-01T10:00:00Z');
  pair(e6, 'leap-boundary', '2023-02-28T10:00:00Z', '2024-02-29T10:00:00Z'); // exactly 12 months (clamped)
  pair(e7, 'day-inside', '2023-06-15T09:00:00Z', '2024-06-14T09:00:00Z', true); // another service, same agency
  pair(e8, 'day-outside', '2023-06-15T09:00:00Z', '2024-06-16T09:00:00Z');
  pair(e9, 'exact-12-months', '2023-06-15T09:00:00Z', '2024-06-15T09:00:00Z');
  // 13:00 BST on 30 Mar 2025 minus 12 months is 13:00 GMT on 30 Mar 2024: 12:30 GMT is outside.
  pair(e10, 'dst-outside', '2024-03-30T12:30:00Z', '2025-03-30T12:00:00Z');
  pair(e11, 'same-instant', '2024-09-10T10:00:00Z', '2024-09-10T10:00:00Z');
  // An earlier referral to a different agency is not a re-referral.
  add(e12, therapy, { status: ReferralStatus.SENT, receivedAt: at('2024-07-01T10:00:00Z') });
  labelled(
    'other-agency',
    add(e12, edgeService, { status: ReferralStatus.SENT, receivedAt: at('2024-08-01T10:00:00Z') }),
  );

  const col = <K extends keyof HistoryReferral>(k: K) => referrals.map((r) => r[k]);
  const iso = (k: 'receivedAt' | 'decidedAt' | 'startedAt' | 'closedAt') =>
    referrals.map((r) => r[k]?.toISOString() ?? null);
  await db.query(
    `INSERT INTO referrals (id, reference, family_id, service_id, agency_id, referred_by_id, reason, status,
                            received_at, decided_at, decline_reason, started_at, closed_at, created_at)
     SELECT t.id, next_reference('REF', 'referral_reference_seq'), t.family_id, t.service_id,
            t.agency_id, $5, 'History referral', t.status::referral_status, t.received_at, t.decided_at,
            CASE WHEN t.status = 'DECLINED' THEN 'Not eligible' END, t.started_at, t.closed_at,
            coalesce(t.received_at, $11::timestamptz) - interval '1 hour'
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $6::text[],
                 $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[])
          AS t(id, family_id, service_id, agency_id, status, received_at, decided_at, started_at, closed_at)`,
    [
      col('id'),
      col('familyId'),
      col('serviceId'),
      col('agencyId'),
      lead.id,
      col('status'),
      iso('receivedAt'),
      iso('decidedAt'),
      iso('startedAt'),
      iso('closedAt'),
      HISTORY_NOW.toISOString(),
    ],
  );
  const underFives = referrals.filter((r) => r.serviceId === under5.id);
  await db.query(
    `INSERT INTO referral_children (referral_id, member_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
    [underFives.map((r) => r.id), underFives.map((r) => toddlerOf.get(r.familyId)!)],
  );

  return {
    areas: areas.map((a) => ({ id: a.id, childPopulation: a.childPopulation })),
    agencies: [health, social, education, edge].map((a) => ({ id: a.id })),
    services,
    under5Service: under5,
    edgeAgencyId: edge.id,
    referrals,
    users: { admin: admin.id, board: board.id, lead: lead.id, staff: staff.id },
  };
}

// ---------------------------------------------------------------------------------------
// The reference calculation.

export interface Scope {
  areaId?: string;
  agencyId?: string;
  serviceId?: string;
}

export interface RawReferralFigures {
  received: number;
  reReferrals: number;
  accepted: number;
  declined: number;
  population: number | null;
  byMonth: { month: string; received: number }[];
}

export interface RawWaitFigures {
  count: number;
  median: number | null;
  p92: number | null;
  withinTarget: number;
  over18Weeks: number;
}

const inScope = (r: HistoryReferral, s: Scope) =>
  (!s.areaId || r.areaId === s.areaId) &&
  (!s.agencyId || r.agencyId === s.agencyId) &&
  (!s.serviceId || r.serviceId === s.serviceId);

const inPeriod = (t: Date | null, from: string, to: string) => {
  if (!t) return false;
  const d = localDate(t);
  return d >= from && d <= to;
};

/** An earlier referral of the family to the same agency at or after 12 months before this one. */
export function isReReferral(h: History, r: HistoryReferral): boolean {
  const since = twelveMonthsBefore(r.receivedAt!).getTime();
  return h.referrals.some(
    (p) =>
      p !== r &&
      p.familyId === r.familyId &&
      p.agencyId === r.agencyId &&
      p.receivedAt !== null &&
      p.receivedAt.getTime() < r.receivedAt!.getTime() &&
      p.receivedAt.getTime() >= since,
  );
}

/** Months overlapping [from, to], computed by walking days. */
function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY) {
    const m = new Date(t).toISOString().slice(0, 7);
    if (out[out.length - 1] !== m) out.push(m);
  }
  return out;
}

export function referenceReferralFigures(h: History, from: string, to: string, s: Scope): RawReferralFigures {
  const scoped = h.referrals.filter((r) => inScope(r, s));
  const received = scoped.filter((r) => inPeriod(r.receivedAt, from, to));
  const decided = scoped.filter((r) => inPeriod(r.decidedAt, from, to));
  const population = s.areaId
    ? (h.areas.find((a) => a.id === s.areaId)?.childPopulation ?? null)
    : h.areas.reduce((sum, a) => sum + (a.childPopulation ?? 0), 0);
  return {
    received: received.length,
    reReferrals: received.filter((r) => isReReferral(h, r)).length,
    declined: decided.filter((r) => r.status === ReferralStatus.DECLINED).length,
    accepted: decided.filter((r) => r.status !== ReferralStatus.DECLINED).length,
    population: population ? population : null,
    byMonth: monthsOf(from, to).map((month) => ({
      month,
      received: received.filter((r) => localDate(r.receivedAt!).slice(0, 7) === month).length,
    })),
  };
}

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
export function percentileCont(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return hi > lo ? sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]) : sorted[lo];
}

function waitFigures(h: History, waits: { r: HistoryReferral; days: number }[]): RawWaitFigures {
  const target = new Map(h.services.map((s) => [s.id, s.waitingTimeTargetDays]));
  const days = waits.map((w) => w.days);
  return {
    count: waits.length,
    median: percentileCont(days, 0.5),
    p92: percentileCont(days, 0.92),
    withinTarget: waits.filter((w) => w.days <= target.get(w.r.serviceId)!).length,
    over18Weeks: waits.filter((w) => w.days > 126).length,
  };
}

export function referenceWaitFigures(
  h: History,
  from: string,
  to: string,
  s: Scope,
): { completed: RawWaitFigures; waiting: RawWaitFigures } {
  const scoped = h.referrals.filter((r) => inScope(r, s) && r.receivedAt);
  const byEnd = (t: Date | null) => t !== null && localDate(t) <= to;
  const completed = scoped
    .filter((r) => inPeriod(r.startedAt, from, to))
    .map((r) => ({ r, days: daysBetween(localDate(r.receivedAt!), localDate(r.startedAt!)) }));
  const waiting = scoped
    .filter(
      (r) =>
        localDate(r.receivedAt!) <= to &&
        !byEnd(r.startedAt) &&
        !(r.status === ReferralStatus.DECLINED && byEnd(r.decidedAt)) &&
        !(r.status === ReferralStatus.WITHDRAWN && byEnd(r.closedAt)),
    )
    .map((r) => ({ r, days: daysBetween(localDate(r.receivedAt!), to) }));
  return { completed: waitFigures(h, completed), waiting: waitFigures(h, waiting) };
}
