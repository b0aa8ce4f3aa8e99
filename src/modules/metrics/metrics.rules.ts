import { badInput } from '../../common/errors.js';

/**
 * Pure rules of the board metrics: period and month arithmetic, the derived figures
 * (rates and percentages) and disclosure control. No I/O, so every rule is unit tested.
 */

/** A published figure: `value` is null when the figure does not exist or is hidden. */
export interface Metric {
  value: number | null;
  suppressed: boolean;
}

/** How figures are published: raw (admins) or with small counts hidden (board members). */
export interface Disclosure {
  suppress: boolean;
  /** Counts from 1 to this value are hidden (SUPPRESSION_MAX). */
  max: number;
}

export interface Period {
  from: string;
  to: string;
}

/** The longest period a caller may ask for; longer ones are refused rather than ground through. */
export const MAX_PERIOD_YEARS = 10;

/** NHS RTT: 18 weeks = 126 days, and a wait of exactly 126 days is still within 18 weeks. */
export const EIGHTEEN_WEEKS_DAYS = 126;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: string, field: string): { y: number; m: number; d: number } {
  const match = DATE.exec(value);
  if (!match) throw badInput(`${field} must be a date YYYY-MM-DD`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw badInput(`${field} must be a date YYYY-MM-DD`);
  return { y, m, d };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Adds calendar months to a date; the day is clamped to the end of a shorter month (31 Mar + 1 → 30 Apr). */
export function addMonths(date: string, months: number): string {
  const { y, m, d } = parseDate(date, 'date');
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, daysInMonth(year, month)))}`;
}

/**
 * Checks an inclusive period [from, to]. Dates compare as strings because they are
 * zero-padded YYYY-MM-DD. A period may not exceed MAX_PERIOD_YEARS (from + 10 years − 1 day).
 */
export function validatePeriod(from: string, to: string): Period {
  parseDate(from, 'from');
  parseDate(to, 'to');
  if (from > to) throw badInput('from must not be after to');
  if (to >= addMonths(from, MAX_PERIOD_YEARS * 12)) {
    throw badInput(`the period must not be longer than ${MAX_PERIOD_YEARS} years`);
  }
  return { from, to };
}

/** Every calendar month ('YYYY-MM') that overlaps the inclusive period, in order. */
export function monthsOverlapping(period: Period): string[] {
  const first = period.from.slice(0, 7);
  const last = period.to.slice(0, 7);
  const months: string[] = [];
  for (let month = first; month <= last; month = addMonths(`${month}-01`, 1).slice(0, 7)) {
    months.push(month);
  }
  return months;
}

/** received ÷ population × 10,000, unrounded; null without a known, positive population. */
export function ratePer10k(count: number, population: number | null): number | null {
  if (population === null || !(population > 0)) return null;
  // Multiplying first keeps the integer product exact, so the result is the correctly rounded quotient.
  return (count * 10_000) / population;
}

/** 100 × numerator ÷ denominator, unrounded; null when the denominator is 0. */
export function percent(numerator: number, denominator: number): number | null {
  return denominator > 0 ? (100 * numerator) / denominator : null;
}

/** A count that could point to a handful of families: 1..max (zero is safe to publish). */
export const isSmall = (count: number, max: number): boolean => count >= 1 && count <= max;

const shown = (value: number | null): Metric => ({ value, suppressed: false });
const hidden: Metric = Object.freeze({ value: null, suppressed: true }) as Metric;

/** A count: hidden when small. */
export function publishCount(count: number, disclosure: Disclosure): Metric {
  return disclosure.suppress && isSmall(count, disclosure.max) ? { ...hidden } : shown(count);
}

/** A figure derived from one count (a rate, a median, a percentile): hidden when its count is. */
export function publishDerived(value: number | null, count: number, disclosure: Disclosure): Metric {
  return disclosure.suppress && isSmall(count, disclosure.max) ? { ...hidden } : shown(value);
}

/**
 * A percentage: hidden when the numerator, the denominator or their difference is small,
 * since any of them could be worked out from the published percentage and its base.
 */
export function publishPercent(numerator: number, denominator: number, disclosure: Disclosure): Metric {
  const value = percent(numerator, denominator);
  if (!disclosure.suppress) return shown(value);
  const small = [numerator, denominator, denominator - numerator].some((n) => isSmall(n, disclosure.max));
  return small ? { ...hidden } : shown(value);
}

/**
 * Which months of `byMonth` to hide. Primary: the small months. Secondary: when exactly one
 * month is hidden while the period total is published, the total minus the published months
 * would reveal it, so the smallest other non-zero month is hidden too (the earliest on ties).
 * With two or more hidden months subtraction only yields their sum. Zero months are never
 * hidden: a hidden cell always means "not zero".
 */
export function suppressedMonths(counts: readonly number[], total: number, max: number): boolean[] {
  const hide = counts.map((n) => isSmall(n, max));
  const hiddenCount = hide.filter(Boolean).length;
  if (hiddenCount === 1 && !isSmall(total, max)) {
    let pick = -1;
    counts.forEach((n, i) => {
      if (!hide[i] && n > 0 && (pick < 0 || n < counts[pick])) pick = i;
    });
    if (pick >= 0) hide[pick] = true;
  }
  return hide;
}

export interface ReferralAggregates {
  /** Received referrals per month ('YYYY-MM'); months without referrals may be missing. */
  months: { month: string; received: number }[];
  /** Received referrals that are re-referrals. */
  reReferrals: number;
  accepted: number;
  declined: number;
  population: number | null;
}

export interface ReferralMetricsView {
  from: string;
  to: string;
  received: Metric;
  ratePer10kChildren: Metric;
  reReferralPercent: Metric;
  accepted: Metric;
  declined: Metric;
  acceptancePercent: Metric;
  byMonth: { month: string; received: Metric; ratePer10kChildren: Metric }[];
}

export function buildReferralMetrics(
  period: Period,
  agg: ReferralAggregates,
  disclosure: Disclosure,
): ReferralMetricsView {
  const byMonthCount = new Map(agg.months.map((m) => [m.month, m.received]));
  const months = monthsOverlapping(period);
  const counts = months.map((month) => byMonthCount.get(month) ?? 0);
  const received = counts.reduce((a, b) => a + b, 0);
  const hide = disclosure.suppress
    ? suppressedMonths(counts, received, disclosure.max)
    : counts.map(() => false);
  return {
    from: period.from,
    to: period.to,
    received: publishCount(received, disclosure),
    ratePer10kChildren: publishDerived(ratePer10k(received, agg.population), received, disclosure),
    reReferralPercent: publishPercent(agg.reReferrals, received, disclosure),
    accepted: publishCount(agg.accepted, disclosure),
    declined: publishCount(agg.declined, disclosure),
    acceptancePercent: publishPercent(agg.accepted, agg.accepted + agg.declined, disclosure),
    byMonth: months.map((month, i) => ({
      month,
      received: hide[i] ? { ...hidden } : shown(counts[i]),
      ratePer10kChildren: hide[i] ? { ...hidden } : shown(ratePer10k(counts[i], agg.population)),
    })),
  };
}

export interface WaitAggregates {
  count: number;
  medianDays: number | null;
  p92Days: number | null;
  withinTarget: number;
  over18Weeks: number;
}

export interface WaitStatsView {
  count: Metric;
  medianDays: Metric;
  p92Days: Metric;
  withinTargetPercent: Metric;
  over18Weeks: Metric;
}

export function buildWaitStats(agg: WaitAggregates, disclosure: Disclosure): WaitStatsView {
  return {
    count: publishCount(agg.count, disclosure),
    medianDays: publishDerived(agg.count > 0 ? agg.medianDays : null, agg.count, disclosure),
    p92Days: publishDerived(agg.count > 0 ? agg.p92Days : null, agg.count, disclosure),
    withinTargetPercent: publishPercent(agg.withinTarget, agg.count, disclosure),
    over18Weeks: publishCount(agg.over18Weeks, disclosure),
  };
}
