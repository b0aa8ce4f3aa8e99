import { badInput, conflict, notFound } from '../../common/errors.js';

export const PackageErrors = {
  notFound: () => notFound('Support package'),
  goalsRequired: () => badInput('goals must name at least one goal', { field: 'goals' }),
  itemsRequired: () => badInput('items must name at least one service', { field: 'items' }),
  reviewDateInPast: () => badInput('reviewDate must not be in the past', { field: 'reviewDate' }),
  noLeadProfessional: () => badInput('the family has no lead professional to coordinate the package'),
  alreadyClosed: () => conflict('The support package is already CLOSED'),
};
