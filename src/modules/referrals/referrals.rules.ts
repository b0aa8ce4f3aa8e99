import type { Actor } from '../../common/actor.js';
import { ageInYears, dateInZone, daysBetween } from '../../common/dates.js';
import { ConsentScope, MemberRole, ReferralStatus, Role } from '../../common/enums.js';
import { consentActiveAt, type ConsentTimes } from '../families/families.rules.js';

/*
 * The referral state machine and the send-time rules, as pure functions: no database, no clock
 * of their own. The service feeds them rows and "now"; the repository enforces the same
 * transition table again in SQL (the conditional UPDATE), so a race cannot slip past a check
 * made on a stale read.
 */

export type ReferralAction = 'send' | 'accept' | 'decline' | 'start' | 'complete' | 'withdraw';

/** Who may perform an action: the receiving agency's side or the referring (lead) side. */
export type ActingSide = 'AGENCY' | 'LEAD';

/** The clock column an action stamps. */
export type StampColumn = 'received_at' | 'decided_at' | 'started_at' | 'closed_at';

/** The column that keeps the free-text note of an action (reason or outcome). */
export type NoteColumn = 'decline_reason' | 'outcome' | 'withdraw_reason';

export interface TransitionRule {
  action: ReferralAction;
  from: readonly ReferralStatus[];
  to: ReferralStatus;
  side: ActingSide;
  stamp: StampColumn;
  note: NoteColumn | null;
}

export const TRANSITIONS: Readonly<Record<ReferralAction, TransitionRule>> = {
  send: {
    action: 'send',
    from: [ReferralStatus.DRAFT],
    to: ReferralStatus.SENT,
    side: 'LEAD',
    stamp: 'received_at',
    note: null,
  },
  accept: {
    action: 'accept',
    from: [ReferralStatus.SENT],
    to: ReferralStatus.ACCEPTED,
    side: 'AGENCY',
    stamp: 'decided_at',
    note: null,
  },
  decline: {
    action: 'decline',
    from: [ReferralStatus.SENT],
    to: ReferralStatus.DECLINED,
    side: 'AGENCY',
    stamp: 'decided_at',
    note: 'decline_reason',
  },
  start: {
    action: 'start',
    from: [ReferralStatus.ACCEPTED],
    to: ReferralStatus.STARTED,
    side: 'AGENCY',
    stamp: 'started_at',
    note: null,
  },
  complete: {
    action: 'complete',
    from: [ReferralStatus.STARTED],
    to: ReferralStatus.COMPLETED,
    side: 'AGENCY',
    stamp: 'closed_at',
    note: 'outcome',
  },
  withdraw: {
    action: 'withdraw',
    from: [ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED],
    to: ReferralStatus.WITHDRAWN,
    side: 'LEAD',
    stamp: 'closed_at',
    note: 'withdraw_reason',
  },
};

export const canTransition = (from: ReferralStatus, action: ReferralAction): boolean =>
  TRANSITIONS[action].from.includes(from);

/** The statuses reachable from a status in one step. */
export const nextStatuses = (from: ReferralStatus): ReferralStatus[] =>
  Object.values(TRANSITIONS)
    .filter((t) => t.from.includes(from))
    .map((t) => t.to);

export interface ReferralClock {
  receivedAt: Date | null;
  decidedAt: Date | null;
  startedAt: Date | null;
  closedAt: Date | null;
}

/**
 * The latest stamp already on the referral: a new stamp may not precede it, so that
 * receivedAt ≤ decidedAt ≤ startedAt ≤ closedAt. A send has no earlier stamp (it may be dated
 * before the draft was created: a paper referral received last week).
 */
export function latestStamp(clock: ReferralClock): { column: StampColumn; at: Date } | null {
  const stamps: [StampColumn, Date | null][] = [
    ['closed_at', clock.closedAt],
    ['started_at', clock.startedAt],
    ['decided_at', clock.decidedAt],
    ['received_at', clock.receivedAt],
  ];
  let latest: { column: StampColumn; at: Date } | null = null;
  for (const [column, at] of stamps) {
    if (at && (!latest || at.getTime() > latest.at.getTime())) latest = { column, at };
  }
  return latest;
}

export const stampInOrder = (clock: ReferralClock, at: Date): boolean => {
  const latest = latestStamp(clock);
  return !latest || latest.at.getTime() <= at.getTime();
};

// ---------------------------------------------------------------- access

export interface ReferralParties {
  agencyId: string;
  referredById: string;
  status: ReferralStatus;
}

export const leadsFamily = (actor: Actor, family: { leadProfessionalId: string | null }): boolean =>
  actor.roles.has(Role.LEAD_PROFESSIONAL) && family.leadProfessionalId === actor.id;

export const isAgencyStaffOf = (actor: Actor, agencyId: string): boolean =>
  actor.roles.has(Role.AGENCY_STAFF) && actor.agencyId !== null && actor.agencyId === agencyId;

/** Need to know: the family's lead professional, admins, the referrer, and the receiving agency once sent. */
export function maySeeReferral(
  actor: Actor,
  referral: ReferralParties,
  family: { leadProfessionalId: string | null },
): boolean {
  if (actor.roles.has(Role.ADMIN)) return true;
  if (leadsFamily(actor, family)) return true;
  if (referral.referredById === actor.id) return true;
  return isAgencyStaffOf(actor, referral.agencyId) && referral.status !== ReferralStatus.DRAFT;
}

/** Whether the caller may perform an action of this side on the referral (visibility checked separately). */
export function mayAct(
  actor: Actor,
  side: ActingSide,
  referral: ReferralParties,
  family: { leadProfessionalId: string | null },
): boolean {
  if (actor.roles.has(Role.ADMIN)) return true;
  if (side === 'AGENCY') return isAgencyStaffOf(actor, referral.agencyId);
  return leadsFamily(actor, family) || referral.referredById === actor.id;
}

/**
 * Which of a family's referrals a caller sees through the family: everything with FULL access
 * (lead professional, admin); otherwise their agency's sent referrals and the ones they made.
 */
export function visibleThroughFamily(
  actor: Actor,
  access: 'FULL' | 'LIMITED',
  referral: ReferralParties,
): boolean {
  if (access === 'FULL') return true;
  if (referral.referredById === actor.id) return true;
  return isAgencyStaffOf(actor, referral.agencyId) && referral.status !== ReferralStatus.DRAFT;
}

// ---------------------------------------------------------------- eligibility

export interface MemberFacts {
  id: string;
  familyId: string;
  role: MemberRole;
  dateOfBirth: string | null;
}

export type ChildrenProblem = 'NONE_NAMED' | 'NOT_A_CHILD_OF_FAMILY';

/** Every named child must be a CHILD member of this family. */
export function childrenProblem(
  familyId: string,
  childIds: readonly string[],
  members: readonly MemberFacts[],
): ChildrenProblem | null {
  if (!childIds.length) return 'NONE_NAMED';
  const byId = new Map(members.map((m) => [m.id, m]));
  for (const id of childIds) {
    const member = byId.get(id);
    if (!member || member.familyId !== familyId || member.role !== MemberRole.CHILD) {
      return 'NOT_A_CHILD_OF_FAMILY';
    }
  }
  return null;
}

export interface ServiceFacts {
  acceptingReferrals: boolean;
  minAgeYears: number | null;
  maxAgeYears: number | null;
  /** Empty: offered in every area. */
  areaIds: readonly string[];
}

export type EligibilityProblem =
  { rule: 'NOT_ACCEPTING' } | { rule: 'AREA' } | { rule: 'AGE'; childIndex: number };

/**
 * The service's own criteria on a calendar date (the reporting-zone date of creation or send):
 * accepting referrals, offered in the family's area, and each child with a known date of birth
 * within the age range in whole years on that date. Children without a date of birth are not
 * refused: the practitioner may not know it yet.
 */
export function eligibilityProblem(
  service: ServiceFacts,
  familyAreaId: string,
  children: readonly Pick<MemberFacts, 'dateOfBirth'>[],
  onDate: string,
): EligibilityProblem | null {
  if (!service.acceptingReferrals) return { rule: 'NOT_ACCEPTING' };
  if (service.areaIds.length && !service.areaIds.includes(familyAreaId)) return { rule: 'AREA' };
  for (let i = 0; i < children.length; i++) {
    const dob = children[i].dateOfBirth;
    if (!dob) continue;
    const age = ageInYears(dob, onDate);
    if (
      (service.minAgeYears !== null && age < service.minAgeYears) ||
      (service.maxAgeYears !== null && age > service.maxAgeYears)
    ) {
      return { rule: 'AGE', childIndex: i };
    }
  }
  return null;
}

export interface ConsentFacts extends ConsentTimes {
  scope: ConsentScope;
  agencyIds: readonly string[];
}

/** A consent active at `at` that covers the receiving agency (all partners, or naming it). */
export function consentCovers(consents: readonly ConsentFacts[], agencyId: string, at: Date): boolean {
  return consents.some(
    (c) =>
      consentActiveAt(c, at) &&
      (c.scope === ConsentScope.ALL_PARTNERS ||
        (c.scope === ConsentScope.SPECIFIC_AGENCIES && c.agencyIds.includes(agencyId))),
  );
}

// ---------------------------------------------------------------- the waiting clock

/**
 * Whole calendar days in the reporting time zone from the date of receipt to the date of start;
 * while SENT or ACCEPTED, to today. Null for drafts and for referrals that ended without starting.
 */
export function waitingDays(
  referral: { status: ReferralStatus; receivedAt: Date | null; startedAt: Date | null },
  now: Date,
  timeZone: string,
): number | null {
  if (!referral.receivedAt || referral.status === ReferralStatus.DRAFT) return null;
  const from = dateInZone(referral.receivedAt, timeZone);
  if (referral.startedAt) return daysBetween(from, dateInZone(referral.startedAt, timeZone));
  if (referral.status === ReferralStatus.SENT || referral.status === ReferralStatus.ACCEPTED) {
    return daysBetween(from, dateInZone(now, timeZone));
  }
  return null;
}
