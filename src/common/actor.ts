import { Role } from './enums.js';
import { forbidden } from './errors.js';

/** A user's row as shown to colleagues (no password hash). */
export interface UserProfile {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  agencyId: string | null;
  active: boolean;
  createdAt: Date;
}

/** The signed-in caller, as read from the database for this request. */
export interface Actor {
  id: string;
  roles: ReadonlySet<Role>;
  agencyId: string | null;
  requestId: string;
  /** Token id and expiry, for logout. */
  tokenId: string;
  tokenExpiresAt: Date;
  /**
   * Read by the same statement as the access check, so a page that shows the caller (as a
   * family's lead professional, as the actor of an event) needs no second read of the row.
   */
  profile?: UserProfile;
}

export const hasRole = (actor: Actor, role: Role): boolean => actor.roles.has(role);
export const isAdmin = (actor: Actor): boolean => actor.roles.has(Role.ADMIN);

/** Deny unless the caller holds one of the roles. */
export function requireAnyRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.some((r) => actor.roles.has(r))) throw forbidden();
}
