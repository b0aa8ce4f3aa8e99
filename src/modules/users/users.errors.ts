import { badInput, conflict, notFound } from '../../common/errors.js';

export const UserErrors = {
  emailTaken: () => conflict('A user with this email already exists'),
  agencyRequired: () => badInput('AGENCY_STAFF requires agencyId'),
  agencyMissing: () => badInput('agencyId does not name an agency'),
  notFound: () => notFound('User'),
  selfDeactivation: () => badInput('You cannot deactivate your own account'),
};
