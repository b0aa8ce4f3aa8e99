import { v7 } from 'uuid';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a record, so lookups answer "not found" without asking the database. */
export const isId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * A new id for a record written often (referrals, their events, packages): a time-ordered UUID
 * (version 7). Each insert then lands at the right-hand end of every index keyed by it (the
 * primary key, the children, events and audit rows of a referral) instead of on a random leaf
 * page that must be read and logged whole (BENCHMARKS.md, change 6). It carries its creation time
 * to the millisecond, which whoever may see the record already sees as `createdAt`.
 */
export const newId = (): string => v7();
