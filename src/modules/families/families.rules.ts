import type { Actor } from '../../common/actor.js';
import { Role } from '../../common/enums.js';
import type { FamilyAccessLevel } from './dto/family.types.js';

/** Roles that may work with family records at all; a caller with none of them is FORBIDDEN. */
export const FAMILY_ROLES = [Role.ADMIN, Role.LEAD_PROFESSIONAL, Role.AGENCY_STAFF];

export const mayUseFamilies = (actor: Actor): boolean => FAMILY_ROLES.some((r) => actor.roles.has(r));

/**
 * Need-to-know access to one family. `agencyHasSentReferral`: the caller's agency has a
 * referral for this family that is not a draft. Null means the caller may not see it (NOT_FOUND).
 */
export function familyAccess(
  actor: Actor,
  family: { leadProfessionalId: string | null },
  agencyHasSentReferral: boolean,
): FamilyAccessLevel | null {
  if (actor.roles.has(Role.ADMIN)) return 'FULL';
  if (actor.roles.has(Role.LEAD_PROFESSIONAL) && family.leadProfessionalId === actor.id) return 'FULL';
  if (actor.roles.has(Role.AGENCY_STAFF) && actor.agencyId && agencyHasSentReferral) return 'LIMITED';
  return null;
}

/** Lead professional of the family or admin: may change it, see consents, history and packages. */
export const leadsOrAdministers = (actor: Actor, family: { leadProfessionalId: string | null }): boolean =>
  actor.roles.has(Role.ADMIN) ||
  (actor.roles.has(Role.LEAD_PROFESSIONAL) && family.leadProfessionalId === actor.id);

export interface ConsentTimes {
  givenAt: Date;
  expiresAt: Date | null;
  withdrawnAt: Date | null;
}

/** Given by then, not withdrawn by then, not expired by then. */
export function consentActiveAt(consent: ConsentTimes, at: Date): boolean {
  const t = at.getTime();
  return (
    consent.givenAt.getTime() <= t &&
    (consent.withdrawnAt === null || consent.withdrawnAt.getTime() > t) &&
    (consent.expiresAt === null || consent.expiresAt.getTime() > t)
  );
}

/** Age from which a child's own consent is accepted (Gillick competence is the practitioner's call). */
export const CHILD_CONSENT_MIN_AGE = 12;
