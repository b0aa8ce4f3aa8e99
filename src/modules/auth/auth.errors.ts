import { DomainError, ErrorCode, unauthenticated } from '../../common/errors.js';

export const AuthErrors = {
  // One answer for an unknown email and a wrong password, so accounts cannot be discovered.
  invalidCredentials: () => unauthenticated('Invalid email or password'),
  invalidToken: () => unauthenticated('Sign in required'),
  tooManyFailures: () =>
    new DomainError(ErrorCode.TOO_MANY_REQUESTS, 'Too many failed sign-in attempts; try again later'),
};
