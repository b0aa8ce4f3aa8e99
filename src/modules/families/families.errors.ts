import { badInput, conflict, forbidden, notFound } from '../../common/errors.js';

export const FamilyErrors = {
  notFound: () => notFound('Family'),
  consentNotFound: () => notFound('Consent'),
  boardMember: () => forbidden('Board members do not see individual families'),
  notLead: () => forbidden('Only the lead professional of the family or an administrator may do this'),
  mayNotCreate: () => forbidden('Only lead professionals and administrators open families'),
  areaMissing: () => badInput('areaId does not name an area'),
  leadProfessionalInvalid: () => badInput('the user must be an active lead professional'),
  alreadyLead: () => badInput('the user already leads this family'),
  dateOfBirthInFuture: () => badInput('dateOfBirth must not be in the future'),
  memberNotInFamily: () => badInput('givenByMemberId must name a member of this family'),
  memberCannotConsent: () =>
    badInput('consent is given by a parent or carer, another adult, or a child aged 12 or over'),
  agenciesRequired: () => badInput('agencyIds must name at least one agency for SPECIFIC_AGENCIES'),
  agenciesNotAllowed: () => badInput('agencyIds are only given with scope SPECIFIC_AGENCIES'),
  agenciesMissing: () => badInput('agencyIds must name existing agencies'),
  givenAtInFuture: () => badInput('givenAt must not be in the future'),
  expiryBeforeGiven: () => badInput('expiresAt must be after givenAt'),
  consentAlreadyWithdrawn: () => conflict('Consent has already been withdrawn'),
  handoverRace: () => conflict('The lead professional changed meanwhile; reload and try again'),
};
