import { DomainError, ErrorCode, badInput, conflict, forbidden, notFound } from '../../common/errors.js';
import type { ReferralStatus } from '../../common/enums.js';
import type { EligibilityProblem, StampColumn } from './referrals.rules.js';

const STAMP_NAMES: Record<StampColumn, string> = {
  received_at: 'receivedAt',
  decided_at: 'decidedAt',
  started_at: 'startedAt',
  closed_at: 'closedAt',
};

export const ReferralErrors = {
  notFound: () => notFound('Referral'),
  boardMember: () => forbidden('Board members do not see individual referrals'),
  notReceivingAgency: () => forbidden('Only staff of the receiving agency or an administrator may do this'),
  notReferringSide: () =>
    forbidden('Only the lead professional of the family, the referrer or an administrator may do this'),
  wrongStatus: (current: ReferralStatus, action: string) =>
    conflict(`Cannot ${action} a referral that is ${current}`),
  staleVersion: (current: ReferralStatus, version: number) =>
    new DomainError(
      ErrorCode.CONFLICT,
      `The referral has changed (now ${current}, version ${version}); reload and try again`,
    ),
  stampOutOfOrder: (latest: StampColumn) =>
    badInput(`occurredAt must not be before the referral's ${STAMP_NAMES[latest]}`, {
      field: 'occurredAt',
    }),
  textRequired: (field: string) => badInput(`${field} must not be empty`, { field }),
  textTooLong: (field: string, max: number) =>
    badInput(`${field} must be at most ${max} characters`, { field }),
  serviceMissing: () => badInput('serviceId does not name a service', { field: 'serviceId' }),
  noChildren: () => badInput('childIds must name at least one child', { field: 'childIds' }),
  notChildrenOfFamily: () =>
    badInput('childIds must name children (role CHILD) of this family', { field: 'childIds' }),
  tooManyChildren: () => badInput('childIds names too many children', { field: 'childIds' }),
  notEligible: (problem: EligibilityProblem) => {
    switch (problem.rule) {
      case 'NOT_ACCEPTING':
        return new DomainError(ErrorCode.NOT_ELIGIBLE, 'The service is not accepting referrals', {
          rule: 'NOT_ACCEPTING',
        });
      case 'AREA':
        return new DomainError(ErrorCode.NOT_ELIGIBLE, "The service is not offered in the family's area", {
          rule: 'AREA',
        });
      case 'AGE':
        return new DomainError(
          ErrorCode.NOT_ELIGIBLE,
          `Child ${problem.childIndex + 1} named in the referral is outside the service's age range on that date`,
          { rule: 'AGE', childIndex: problem.childIndex },
        );
    }
  },
  consentRequired: () =>
    new DomainError(
      ErrorCode.CONSENT_REQUIRED,
      'The family has no consent covering the receiving agency at the send time; record consent or give shareWithoutConsentReason',
    ),
  idempotencyMismatch: () => conflict('idempotencyKey was already used with a different request'),
};
