import { badInput, conflict, notFound } from '../../common/errors.js';

export const DirectoryErrors = {
  areaCodeTaken: () => conflict('An area with this code already exists'),
  agencyMissing: () => badInput('agencyId does not name an agency'),
  areasMissing: () => badInput('areaIds must name existing areas'),
  ageRange: () => badInput('minAgeYears must not be greater than maxAgeYears'),
  serviceNotFound: () => notFound('Service'),
};
