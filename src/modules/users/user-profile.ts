import type { UserProfile } from '../../common/actor.js';
import type { Role } from '../../common/enums.js';

/**
 * The columns of a user's display row (no password hash) from the table alias `alias`, named
 * `<prefix>id`, `<prefix>email`, … so that another module's query can bring them beside its own.
 */
export const userProfileColumns = (alias: string, prefix = '') =>
  [
    `${alias}.id AS "${prefix}id"`,
    `${alias}.email AS "${prefix}email"`,
    `${alias}.name AS "${prefix}name"`,
    `${alias}.roles::text[] AS "${prefix}roles"`,
    `${alias}.agency_id AS "${prefix}agencyId"`,
    `${alias}.active AS "${prefix}active"`,
    `${alias}.created_at AS "${prefix}createdAt"`,
  ].join(', ');

/** The display row read with `userProfileColumns` and the same prefix; null when the user was not found. */
export function toUserProfile(row: Record<string, unknown>, prefix = ''): UserProfile | null {
  if (row[`${prefix}id`] === null || row[`${prefix}id`] === undefined) return null;
  return {
    id: row[`${prefix}id`] as string,
    email: row[`${prefix}email`] as string,
    name: row[`${prefix}name`] as string,
    roles: row[`${prefix}roles`] as Role[],
    agencyId: (row[`${prefix}agencyId`] as string | null) ?? null,
    active: row[`${prefix}active`] as boolean,
    createdAt: row[`${prefix}createdAt`] as Date,
  };
}
