import { badInput } from './errors.js';

/** Today's calendar date (YYYY-MM-DD) in a time zone. */
export function dateInZone(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** Whole days between two calendar dates (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Age in whole years on a calendar date (birthdays on 29 February count from 1 March in common years). */
export function ageInYears(dateOfBirth: string, onDate: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = onDate.split('-').map(Number);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

/** Refuses instants in the future beyond an allowance for clock skew between client and server. */
export function assertNotInFuture(instant: Date, field: string, now: Date, skewMs = 2 * 60_000): void {
  if (instant.getTime() > now.getTime() + skewMs) throw badInput(`${field} must not be in the future`);
}
