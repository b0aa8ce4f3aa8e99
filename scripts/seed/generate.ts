/**
 * Pure generation of the synthetic partnership: a directory (areas, agencies, services, users)
 * and families with their whole history, as rows ready for COPY. Nothing here touches the
 * database, so the same seed always yields the same rows.
 *
 * Invariants kept (the same ones the API enforces):
 * - stamps in order: createdAt ≤ receivedAt ≤ decidedAt ≤ startedAt ≤ closedAt, all before `asOf`;
 * - one referral_events row per status change, `version` = number of events;
 * - every send is covered by a consent active at the send time (ALL_PARTNERS, or SPECIFIC_AGENCIES
 *   including the receiving agency), unless the referral was shared without consent with a reason;
 * - referral children are CHILD members of the family, already on the record, within the service's
 *   age range in whole years on the creation date and on the send date; the family's area is
 *   among the service's areas and the service accepts referrals;
 * - exactly one open lead professional assignment per family, matching families.lead_professional_id.
 */
import type { UserProfile } from '../../src/common/actor.js';
import {
  AgencyKind,
  ConsentScope,
  MemberRole,
  ReferralStatus,
  Role,
  Urgency,
} from '../../src/common/enums.js';
import {
  AGENCY_KINDS,
  AGENCY_NAME_PATTERNS,
  AREAS,
  CONSENT_PURPOSE,
  DECLINE_REASONS,
  GIVEN_NAMES_ADULT,
  GIVEN_NAMES_CHILD,
  HANDOVER_REASONS,
  OUTCOMES,
  PACKAGE_GOALS,
  REFERRAL_REASONS,
  SERVICE_TEMPLATES,
  SHARE_WITHOUT_CONSENT_REASON,
  SURNAMES,
  WITHDRAW_REASONS,
} from './catalogue.js';
import { cumulative, Rng } from './rng.js';

export const SEED_EMAIL_DOMAIN = 'seed.family-support.example';
export const SEED_PASSWORD = 'seed-password-2025';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** Relative referral volume by calendar month (January first): dips in August and December. */
const MONTH_WEIGHTS = [1.05, 1.05, 1.1, 0.9, 1.05, 1.05, 0.95, 0.6, 1.1, 1.2, 1.2, 0.75];
const MAX_MONTH_WEIGHT = Math.max(...MONTH_WEIGHTS);

/** Services offered per agency, by kind (about 200 in all). */
const SERVICES_PER_AGENCY: Record<AgencyKind, number> = {
  [AgencyKind.HEALTH]: 8,
  [AgencyKind.SOCIAL_CARE]: 5,
  [AgencyKind.EDUCATION]: 5,
  [AgencyKind.EARLY_YEARS]: 5,
  [AgencyKind.POLICE]: 3,
  [AgencyKind.HOUSING]: 3,
  [AgencyKind.VOLUNTARY]: 5,
  [AgencyKind.LOCAL_AUTHORITY]: 3,
  [AgencyKind.OTHER]: 2,
};

/** Kinds whose services are local (offered in a few areas only). */
const LOCAL_KINDS = new Set([AgencyKind.EDUCATION, AgencyKind.EARLY_YEARS, AgencyKind.HOUSING]);

export const LEAD_PROFESSIONAL_COUNT = 600;
export const AGENCY_STAFF_COUNT = 1400;

export interface SeedArea {
  id: string;
  code: string;
  name: string;
  childPopulation: number;
}
export interface SeedAgency {
  id: string;
  name: string;
  kind: AgencyKind;
}
export interface SeedService {
  id: string;
  agencyIndex: number;
  agencyId: string;
  name: string;
  category: string;
  min: number | null;
  max: number | null;
  targetDays: number;
  accepting: boolean;
  /** Area indexes; null = offered everywhere. */
  areas: number[] | null;
  weight: number;
}
/** A user's display row; the database stamps its creation. */
export type SeedUser = Omit<UserProfile, 'createdAt'>;
export interface Directory {
  areas: SeedArea[];
  agencies: SeedAgency[];
  services: SeedService[];
  users: SeedUser[];
  areaCumulative: Float64Array;
  /** Per area: accepting services offered there, with cumulative popularity. */
  servicesByArea: { services: SeedService[]; cumulative: Float64Array }[];
  leadsByArea: string[][];
  staffByAgency: string[][];
  demoLogins: { email: string; role: Role; note: string }[];
}

const userName = (r: Rng) => `${r.pick(GIVEN_NAMES_ADULT)} ${r.pick(SURNAMES)}`;
const emailOf = (name: string, n: number) =>
  `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${n}@${SEED_EMAIL_DOMAIN}`;

export function generateDirectory(seed: string): Directory {
  const r = new Rng(seed, 'directory');
  const areas = AREAS.map((a) => ({ id: r.uuid(), ...a }));
  const agencies: SeedAgency[] = [];
  const services: SeedService[] = [];
  const usedNames = new Set<string>();
  for (const [kind, count] of AGENCY_KINDS) {
    for (let i = 0; i < count; i++) {
      let name = '';
      for (let attempt = 0; !name || usedNames.has(name); attempt++) {
        name = `${r.pick(areas).name} ${r.pick(AGENCY_NAME_PATTERNS[kind])}${attempt > 5 ? ` ${attempt}` : ''}`;
      }
      usedNames.add(name);
      const agencyIndex = agencies.length;
      const agency = { id: r.uuid(), name, kind };
      agencies.push(agency);
      const templates = [...SERVICE_TEMPLATES[kind]];
      const n = Math.min(SERVICES_PER_AGENCY[kind], templates.length);
      for (let k = 0; k < n; k++) {
        const t = templates.splice(r.int(0, templates.length - 1), 1)[0];
        let serviceAreas: number[] | null = null;
        if (LOCAL_KINDS.has(kind) || r.chance(0.15)) {
          const home = areas.indexOf(areas.find((a) => name.startsWith(a.name))!);
          const set = new Set([home]);
          const extra = r.int(1, kind === AgencyKind.HOUSING ? 6 : 3);
          while (set.size < 1 + extra) set.add(r.int(0, areas.length - 1));
          serviceAreas = [...set].sort((a, b) => a - b);
        }
        services.push({
          id: r.uuid(),
          agencyIndex,
          agencyId: agency.id,
          name: t.name,
          category: t.category,
          min: t.min,
          max: t.max,
          targetDays: t.targetDays,
          accepting: !r.chance(0.03),
          areas: serviceAreas,
          weight: t.weight * r.between(0.4, 1.6),
        });
      }
    }
  }

  const users: SeedUser[] = [];
  const addUser = (roles: Role[], agencyId: string | null, email?: string, active = true) => {
    const name = userName(r);
    const user = {
      id: r.uuid(),
      email: email ?? emailOf(name, users.length + 1),
      name,
      roles,
      agencyId,
      active,
    };
    users.push(user);
    return user;
  };
  addUser([Role.ADMIN], null, `admin@${SEED_EMAIL_DOMAIN}`);
  addUser([Role.ADMIN], null);
  addUser([Role.ADMIN], null);
  for (let i = 0; i < 6; i++)
    addUser([Role.BOARD_MEMBER], null, i === 0 ? `board@${SEED_EMAIL_DOMAIN}` : undefined);

  // Lead professionals work in a locality: their number per area follows the child population.
  const totalPopulation = areas.reduce((sum, a) => sum + a.childPopulation, 0);
  const leadAgencies = agencies.filter((a) =>
    [AgencyKind.EARLY_YEARS, AgencyKind.SOCIAL_CARE, AgencyKind.EDUCATION, AgencyKind.HEALTH].includes(
      a.kind,
    ),
  );
  const leadsByArea: string[][] = areas.map(() => []);
  areas.forEach((area, areaIndex) => {
    const n = Math.max(5, Math.round((LEAD_PROFESSIONAL_COUNT * area.childPopulation) / totalPopulation));
    for (let i = 0; i < n; i++) {
      const email = areaIndex === 0 && i === 0 ? `lead@${SEED_EMAIL_DOMAIN}` : undefined;
      leadsByArea[areaIndex].push(addUser([Role.LEAD_PROFESSIONAL], r.pick(leadAgencies).id, email).id);
    }
  });

  // Agency staff: at least 8 per agency, the rest in proportion to the agency's services.
  const agencyWeight = agencies.map((_, i) =>
    services.filter((s) => s.agencyIndex === i).reduce((sum, s) => sum + s.weight, 0),
  );
  const weightSum = agencyWeight.reduce((a, b) => a + b, 0);
  const staffByAgency: string[][] = agencies.map(() => []);
  const busiest = agencyWeight.indexOf(Math.max(...agencyWeight));
  agencies.forEach((agency, i) => {
    const n = Math.max(
      8,
      Math.round(((AGENCY_STAFF_COUNT - 8 * agencies.length) * agencyWeight[i]) / weightSum) + 8,
    );
    for (let k = 0; k < n; k++) {
      const email = i === busiest && k === 0 ? `staff@${SEED_EMAIL_DOMAIN}` : undefined;
      // A few leavers: inactive accounts that never act in the history.
      const active = k === 0 || !r.chance(0.01);
      const user = addUser([Role.AGENCY_STAFF], agency.id, email, active);
      if (active) staffByAgency[i].push(user.id);
    }
  });

  const servicesByArea = areas.map((_, areaIndex) => {
    const list = services.filter((s) => s.accepting && (s.areas === null || s.areas.includes(areaIndex)));
    return { services: list, cumulative: cumulative(list.map((s) => s.weight)) };
  });

  return {
    areas,
    agencies,
    services,
    users,
    areaCumulative: cumulative(areas.map((a) => a.childPopulation)),
    servicesByArea,
    leadsByArea,
    staffByAgency,
    demoLogins: [
      { email: `admin@${SEED_EMAIL_DOMAIN}`, role: Role.ADMIN, note: 'partnership administrator' },
      {
        email: `lead@${SEED_EMAIL_DOMAIN}`,
        role: Role.LEAD_PROFESSIONAL,
        note: `lead professional in ${areas[0].name}`,
      },
      {
        email: `staff@${SEED_EMAIL_DOMAIN}`,
        role: Role.AGENCY_STAFF,
        note: `agency staff, ${agencies[busiest].name}`,
      },
      { email: `board@${SEED_EMAIL_DOMAIN}`, role: Role.BOARD_MEMBER, note: 'partnership board member' },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Families

/** Rows of one family, already in COPY text format except for the two sequence-drawn references. */
export interface FamilyRows {
  family: { id: string; rest: string };
  members: string[];
  assignments: string[];
  consents: string[];
  consentAgencies: string[];
  packages: string[];
  referrals: { id: string; rest: string }[];
  referralChildren: string[];
  events: string[];
}

interface Member {
  id: string;
  role: MemberRole;
  dob: string | null;
  dobMs: number;
  createdAt: number;
}

const NULL = '\\N';
const ESCAPE = /[\\\t\n\r]/;
/** COPY text-format escaping (the generated texts rarely need it, so test first). */
export const esc = (text: string): string =>
  ESCAPE.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
const ts = (ms: number) => new Date(ms).toISOString();
const tsOrNull = (ms: number | null) => (ms === null ? NULL : ts(ms));
const dateOf = (ms: number) => ts(ms).slice(0, 10);
const startOfDay = (ms: number) => ms - (((ms % DAY) + DAY) % DAY);

/** Whole years between two YYYY-MM-DD dates, as the API reckons a child's age. */
function ageInYears(dob: string, on: string): number {
  const by = +dob.slice(0, 4),
    bm = +dob.slice(5, 7),
    bd = +dob.slice(8, 10);
  const y = +on.slice(0, 4),
    m = +on.slice(5, 7),
    d = +on.slice(8, 10);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

/**
 * A time during office hours on the day of `ms` (07:00–18:00 UTC: the same calendar date in
 * Europe/London all year), never before `notBefore`.
 */
function officeTime(r: Rng, ms: number, notBefore = -Infinity): number {
  const t = startOfDay(ms) + 7 * HOUR + Math.floor(r.next() * 11 * HOUR);
  return t > notBefore ? t : notBefore + Math.floor(r.between(5 * 60_000, 3 * HOUR));
}

export interface GenerationContext {
  seed: string;
  dir: Directory;
  /** Every stamp lies before this instant. */
  asOf: number;
}

function arrayLiteral(items: string[]): string {
  return `{${items.map((g) => `"${g.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export function generateFamily(ctx: GenerationContext, index: number): FamilyRows {
  const { dir, asOf } = ctx;
  const r = new Rng(ctx.seed, index);
  const windowStart = asOf - 3 * YEAR;
  const latest = asOf - HOUR;
  const out: FamilyRows = {
    family: { id: r.uuid(), rest: '' },
    members: [],
    assignments: [],
    consents: [],
    consentAgencies: [],
    packages: [],
    referrals: [],
    referralChildren: [],
    events: [],
  };
  const familyId = out.family.id;
  const areaIndex = r.weighted(dir.areaCumulative);
  const surname = r.pick(SURNAMES);

  // --- When things happen: referral times cluster around an episode of need (a uniformly placed
  // centre with reflected normal noise keeps the overall density flat), thinned by season and weekday.
  const planned = Math.max(1, Math.min(40, Math.round(r.lognormal(4, 0.65))));
  const centre = windowStart + r.next() * (latest - windowStart);
  const sampleTime = (): number => {
    for (let attempt = 0; ; attempt++) {
      let t = centre + r.normal() * 150 * DAY;
      while (t < windowStart || t > latest) t = t < windowStart ? 2 * windowStart - t : 2 * latest - t;
      const d = new Date(t);
      const weekday = d.getUTCDay();
      const keep =
        (MONTH_WEIGHTS[d.getUTCMonth()] / MAX_MONTH_WEIGHT) * (weekday === 0 || weekday === 6 ? 0.12 : 1);
      if (attempt > 30 || r.next() < keep) return Math.min(officeTime(r, t), latest);
    }
  };

  // --- Household: 1 to 5 members.
  const size = 1 + r.weighted([0.08, 0.32, 0.64, 0.87, 1]);
  const roles: MemberRole[] = [];
  if (size === 1) roles.push(r.chance(0.7) ? MemberRole.PARENT_CARER : MemberRole.CHILD);
  else {
    const parents = size >= 3 && r.chance(0.55) ? 2 : 1;
    const otherAdult = size - parents >= 2 && r.chance(0.12) ? 1 : 0;
    for (let i = 0; i < parents; i++) roles.push(MemberRole.PARENT_CARER);
    if (otherAdult) roles.push(MemberRole.OTHER_ADULT);
    while (roles.length < size) roles.push(MemberRole.CHILD);
  }
  const times = Array.from({ length: planned }, sampleTime).sort((a, b) => a - b);
  const hasChild = roles.includes(MemberRole.CHILD);
  const createdAt = hasChild
    ? officeTime(r, times[0] - r.between(2, 45) * DAY)
    : officeTime(r, r.between(windowStart - 180 * DAY, asOf - 14 * DAY));

  const members: Member[] = roles.map((role) => {
    let ageYears: number;
    if (role === MemberRole.CHILD) ageYears = size === 1 ? r.between(12.2, 19) : r.between(0, 19);
    else if (role === MemberRole.PARENT_CARER) ageYears = r.between(19, 52);
    else ageYears = r.between(40, 75);
    const dobMs = startOfDay(asOf - ageYears * YEAR);
    const known = role === MemberRole.CHILD ? r.chance(0.99) : r.chance(0.9);
    // A baby born after the family was opened is added to the record a few days after birth.
    const memberCreated =
      dobMs + 7 * DAY > createdAt ? officeTime(r, dobMs + r.between(3, 30) * DAY, createdAt) : createdAt;
    return {
      id: r.uuid(),
      role,
      dob: known ? dateOf(dobMs) : null,
      dobMs,
      createdAt: Math.min(memberCreated, latest),
    };
  });
  for (const m of members) {
    const given = r.pick(m.role === MemberRole.CHILD ? GIVEN_NAMES_CHILD : GIVEN_NAMES_ADULT);
    const familyName = r.chance(0.85) ? surname : r.pick(SURNAMES);
    out.members.push(
      `${m.id}\t${familyId}\t${given}\t${familyName}\t${m.dob ?? NULL}\t${m.role}\t${ts(m.createdAt)}`,
    );
  }

  // --- Lead professionals: the opener leads; one family in five has been handed over since.
  const leads = dir.leadsByArea[areaIndex];
  const firstLead = r.pick(leads);
  let handoverAt: number | null = null;
  let secondLead = firstLead;
  if (r.chance(0.2) && asOf - createdAt > 60 * DAY && leads.length > 1) {
    handoverAt = officeTime(r, r.between(createdAt + 30 * DAY, asOf - 2 * DAY), createdAt);
    while (secondLead === firstLead) secondLead = r.pick(leads);
  }
  const leadAt = (t: number) => (handoverAt !== null && t >= handoverAt ? secondLead : firstLead);
  out.assignments.push(
    `${r.uuid()}\t${familyId}\t${firstLead}\t${ts(createdAt)}\t${tsOrNull(handoverAt)}\t${NULL}\t${firstLead}`,
  );
  if (handoverAt !== null) {
    out.assignments.push(
      `${r.uuid()}\t${familyId}\t${secondLead}\t${ts(handoverAt)}\t${NULL}\t${r.pick(HANDOVER_REASONS)}\t${firstLead}`,
    );
  }
  out.family.rest = `${surname} family\t${dir.areas[areaIndex].id}\t${leadAt(asOf)}\t${firstLead}\t${ts(createdAt)}`;

  // --- Consent, recorded when the family is opened by an adult (or a child aged 12+).
  const consentAt = officeTime(r, createdAt + r.between(0, 1) * DAY, createdAt);
  const givers = members.filter(
    (m) =>
      m.createdAt <= consentAt &&
      (m.role !== MemberRole.CHILD || (m.dob !== null && ageInYears(m.dob, dateOf(consentAt)) >= 12)),
  );
  // A small share of families is worked under the safeguarding exception, without consent.
  const consented = givers.length > 0 && !r.chance(0.025);

  // --- Referrals.
  const children = members.filter((m) => m.role === MemberRole.CHILD);
  const agenciesReferred = new Set<number>();
  let lastSend = -Infinity;
  const pickChildren = (service: SeedService, created: number, sent: number | null): Member[] => {
    const onCreated = dateOf(created);
    const onSent = sent === null ? onCreated : dateOf(sent);
    const fits = (m: Member) => {
      if (m.createdAt > created) return false;
      if (m.dob === null) return true;
      if (m.dob > onCreated) return false;
      for (const on of [onCreated, onSent]) {
        const age = ageInYears(m.dob, on);
        if (age < (service.min ?? 0) || (service.max !== null && age > service.max)) return false;
      }
      return true;
    };
    const eligible = children.filter(fits);
    if (!eligible.length) return [];
    const want = 1 + r.weighted([0.7, 0.92, 1]);
    for (let i = eligible.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      [eligible[i], eligible[j]] = [eligible[j], eligible[i]];
    }
    return eligible.slice(0, want);
  };

  // Receipts so far per agency, for each referral's previous receipt by the same agency (the
  // column the database's triggers keep; the seed loads with them off and writes it itself).
  const receiptsByAgency = new Map<number, number[]>();
  /** The latest receipt by the agency before `received`; `received` then joins the agency's receipts. */
  const previousReceipt = (agencyIndex: number, received: number): number | null => {
    let receipts = receiptsByAgency.get(agencyIndex);
    if (!receipts) receiptsByAgency.set(agencyIndex, (receipts = []));
    let previous: number | null = null;
    for (const t of receipts) {
      if (t < received && (previous === null || t > previous)) previous = t;
    }
    receipts.push(received);
    return previous;
  };

  const addReferral = (
    service: SeedService,
    kids: Member[],
    created: number,
    received: number | null,
    packageId: string | null,
  ) => {
    const id = r.uuid();
    const referrer = leadAt(created);
    const staff = dir.staffByAgency[service.agencyIndex];
    const urgent = r.chance(0.12);
    const events: [ReferralStatus, number, string, string | null][] = [
      [ReferralStatus.DRAFT, created, referrer, null],
    ];
    let decided: number | null = null,
      started: number | null = null,
      closed: number | null = null;
    let declineReason: string | null = null,
      outcome: string | null = null,
      withdrawReason: string | null = null;
    const happened = (t: number) => t <= latest;
    let previous: number | null = null;
    if (received !== null) {
      previous = previousReceipt(service.agencyIndex, received);
      events.push([ReferralStatus.SENT, received, referrer, null]);
      lastSend = Math.max(lastSend, received);
      agenciesReferred.add(service.agencyIndex);
      const fate = r.next();
      const decisionDelay = Math.min(
        45 * DAY,
        Math.max(HOUR, r.lognormal(3 * DAY, 0.9) * (urgent ? 0.4 : 1)),
      );
      const decisionAt = officeTime(r, received + decisionDelay, received);
      // Waits: mostly 1–20 weeks around the service's target, with a long tail beyond a year.
      let wait = r.chance(0.03)
        ? r.between(300, 650) * DAY
        : r.lognormal(service.targetDays * r.between(0.35, 1) * (urgent ? 0.5 : 1), 0.55) * DAY;
      wait = Math.max(wait, decisionAt - received + DAY);
      const startAt = officeTime(r, received + wait, decisionAt);
      if (fate < 0.155) {
        if (happened(decisionAt)) {
          declineReason = r.pick(DECLINE_REASONS);
          events.push([ReferralStatus.DECLINED, decisionAt, r.pick(staff), declineReason]);
        }
      } else if (fate < 0.26) {
        const withdrawAt = officeTime(r, received + r.between(0.05, 0.95) * (startAt - received), received);
        if (withdrawAt > decisionAt && happened(decisionAt))
          events.push([ReferralStatus.ACCEPTED, decisionAt, r.pick(staff), null]);
        if (happened(withdrawAt) && withdrawAt < startAt) {
          withdrawReason = r.pick(WITHDRAW_REASONS);
          events.push([ReferralStatus.WITHDRAWN, withdrawAt, referrer, withdrawReason]);
        }
      } else {
        const closeAt = officeTime(r, startAt + r.lognormal(90, 0.5) * DAY, startAt);
        if (happened(decisionAt)) events.push([ReferralStatus.ACCEPTED, decisionAt, r.pick(staff), null]);
        if (happened(startAt)) events.push([ReferralStatus.STARTED, startAt, r.pick(staff), null]);
        if (happened(closeAt)) {
          outcome = r.pick(OUTCOMES);
          events.push([ReferralStatus.COMPLETED, closeAt, r.pick(staff), outcome]);
        }
      }
    } else if (r.chance(0.15)) {
      const withdrawAt = officeTime(r, created + r.between(1, 20) * DAY, created);
      if (happened(withdrawAt)) {
        withdrawReason = r.pick(WITHDRAW_REASONS);
        events.push([ReferralStatus.WITHDRAWN, withdrawAt, referrer, withdrawReason]);
      }
    }
    for (const [status, at] of events) {
      if (status === ReferralStatus.ACCEPTED || status === ReferralStatus.DECLINED) decided = at;
      else if (status === ReferralStatus.STARTED) started = at;
      else if (status === ReferralStatus.COMPLETED || status === ReferralStatus.WITHDRAWN) closed = at;
    }
    const status = events[events.length - 1][0];
    const withoutConsent = !consented;
    const reasons = REFERRAL_REASONS[service.category] ?? REFERRAL_REASONS.default;
    out.referrals.push({
      id,
      rest: [
        familyId,
        service.id,
        service.agencyId,
        referrer,
        packageId ?? NULL,
        r.chance(0.5) ? r.pick(reasons) : r.pick(REFERRAL_REASONS.default),
        urgent ? Urgency.URGENT : Urgency.ROUTINE,
        status,
        events.length,
        withoutConsent ? 't' : 'f',
        withoutConsent ? SHARE_WITHOUT_CONSENT_REASON : NULL,
        ts(created),
        tsOrNull(received),
        tsOrNull(previous),
        tsOrNull(decided),
        declineReason ?? NULL,
        tsOrNull(started),
        tsOrNull(closed),
        outcome ?? NULL,
        withdrawReason ?? NULL,
      ].join('\t'),
    });
    for (const kid of kids) out.referralChildren.push(`${id}\t${kid.id}`);
    for (const [status, at, actor, note] of events) {
      out.events.push(`${r.uuid()}\t${id}\t${status}\t${ts(at)}\t${actor}\t${note ?? NULL}\t${ts(at)}`);
    }
  };

  const pickService = (created: number, sent: number | null, excludeAgencies?: Set<number>) => {
    const pool = dir.servicesByArea[areaIndex];
    for (let attempt = 0; attempt < 8; attempt++) {
      const service = pool.services[r.weighted(pool.cumulative)];
      if (excludeAgencies?.has(service.agencyIndex)) continue;
      const kids = pickChildren(service, created, sent);
      if (kids.length) return { service, kids };
    }
    return null;
  };

  if (children.length) {
    // About a quarter of families get a support package: several agencies' services sent in one step.
    const packageIndex = r.chance(0.27) ? r.int(0, times.length - 1) : -1;
    times.forEach((t, i) => {
      if (i === packageIndex) {
        const packageId = r.uuid();
        const lead = leadAt(t);
        const items = 2 + r.weighted([0.5, 0.85, 1]);
        const used = new Set<number>();
        for (let k = 0; k < items; k++) {
          const choice = pickService(t, t, used);
          if (!choice) continue;
          used.add(choice.service.agencyIndex);
          addReferral(choice.service, choice.kids, t, t, packageId);
        }
        const goals = new Set<string>();
        const goalCount = r.int(1, 3);
        while (goals.size < goalCount) goals.add(r.pick(PACKAGE_GOALS));
        const closedAt =
          t + 300 * DAY < asOf && r.chance(0.8) ? officeTime(r, t + r.between(180, 300) * DAY, t) : null;
        out.packages.push(
          [
            packageId,
            familyId,
            lead,
            arrayLiteral([...goals]),
            closedAt === null ? 'ACTIVE' : 'CLOSED',
            dateOf(t + 84 * DAY),
            lead,
            ts(t),
            tsOrNull(closedAt),
          ].join('\t'),
        );
        return;
      }
      // A few recent referrals are still drafts.
      const draft = t > asOf - 45 * DAY && r.chance(0.1);
      const created = draft ? t : Math.max(createdAt + HOUR, t - Math.floor(r.between(5 * 60_000, 3 * DAY)));
      const choice = pickService(created, draft ? null : t);
      if (choice) addReferral(choice.service, choice.kids, created, draft ? null : t, null);
    });
  }

  if (consented) {
    const consentId = r.uuid();
    const giver = r.pick(givers);
    const specific = agenciesReferred.size > 0 && agenciesReferred.size <= 4 && r.chance(0.3);
    if (specific) {
      const covered = new Set(agenciesReferred);
      if (r.chance(0.5)) covered.add(r.int(0, dir.agencies.length - 1));
      for (const a of covered) out.consentAgencies.push(`${consentId}\t${dir.agencies[a].id}`);
    }
    // Expiry and withdrawal only ever fall after the last send they would otherwise invalidate.
    let expiresAt: number | null = r.chance(0.25) ? consentAt + 2 * YEAR : null;
    if (expiresAt !== null && expiresAt <= lastSend) expiresAt = null;
    let withdrawnAt: number | null = null;
    if (r.chance(0.04)) {
      const at = officeTime(
        r,
        Math.max(lastSend, consentAt) + r.between(7, 200) * DAY,
        Math.max(lastSend, consentAt),
      );
      if (at <= latest) withdrawnAt = at;
    }
    out.consents.push(
      [
        consentId,
        familyId,
        giver.id,
        specific ? ConsentScope.SPECIFIC_AGENCIES : ConsentScope.ALL_PARTNERS,
        CONSENT_PURPOSE,
        ts(consentAt),
        tsOrNull(expiresAt),
        tsOrNull(withdrawnAt),
        leadAt(consentAt),
        ts(consentAt),
      ].join('\t'),
    );
  }
  return out;
}
