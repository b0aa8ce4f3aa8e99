import { prng } from '../../../test/support/prng.js';
import { DomainError } from '../../common/errors.js';
import {
  addMonths,
  buildReferralMetrics,
  buildWaitStats,
  type Disclosure,
  isSmall,
  monthsOverlapping,
  percent,
  publishCount,
  publishDerived,
  publishPercent,
  ratePer10k,
  suppressedMonths,
  validatePeriod,
} from './metrics.rules.js';

const BOARD: Disclosure = { suppress: true, max: 5 };
const RAW: Disclosure = { suppress: false, max: 5 };
const HIDDEN = { value: null, suppressed: true };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'other';
  }
  return undefined;
}

describe('period and month arithmetic', () => {
  it('adds months with the day clamped to the end of shorter months, leap years included', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-02-29', -12)).toBe('2023-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-03-31', 1)).toBe('2024-04-30');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
    expect(addMonths('2024-01-15', -1)).toBe('2023-12-15');
    expect(addMonths('2015-04-01', 120)).toBe('2025-04-01');
  });

  it('lists every month overlapping the period, across year ends, in order', () => {
    expect(monthsOverlapping({ from: '2024-04-01', to: '2025-03-31' })).toEqual([
      '2024-04',
      '2024-05',
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
    ]);
    expect(monthsOverlapping({ from: '2024-03-31', to: '2024-04-01' })).toEqual(['2024-03', '2024-04']);
    expect(monthsOverlapping({ from: '2024-02-29', to: '2024-02-29' })).toEqual(['2024-02']);
    expect(monthsOverlapping({ from: '2023-12-31', to: '2024-01-01' })).toEqual(['2023-12', '2024-01']);
  });

  it('accepts a one-day period and a period of just under ten years', () => {
    expect(validatePeriod('2024-02-29', '2024-02-29')).toEqual({ from: '2024-02-29', to: '2024-02-29' });
    expect(validatePeriod('2015-04-01', '2025-03-31')).toEqual({ from: '2015-04-01', to: '2025-03-31' });
    expect(monthsOverlapping(validatePeriod('2015-04-01', '2025-03-31'))).toHaveLength(120);
  });

  it('refuses from after to, periods longer than ten years and impossible dates', () => {
    expect(codeOf(() => validatePeriod('2024-04-02', '2024-04-01'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validatePeriod('2015-04-01', '2025-04-01'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validatePeriod('0001-01-01', '9999-12-31'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validatePeriod('2023-02-29', '2023-03-01'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validatePeriod('2024-13-01', '2024-12-01'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validatePeriod('2024-4-1', '2024-05-01'))).toBe('BAD_USER_INPUT');
  });
});

describe('rates and percentages', () => {
  it('computes an unrounded rate per 10,000 and none without a population', () => {
    expect(ratePer10k(7, 30_000)).toBe(70_000 / 30_000);
    expect(ratePer10k(0, 30_000)).toBe(0);
    expect(ratePer10k(7, null)).toBeNull();
    expect(ratePer10k(7, 0)).toBeNull();
  });

  it('computes an unrounded percentage and none over an empty base', () => {
    expect(percent(1, 3)).toBe(100 / 3);
    expect(percent(0, 3)).toBe(0);
    expect(percent(0, 0)).toBeNull();
  });
});

describe('disclosure control', () => {
  it('hides counts from 1 to the maximum and publishes zero and larger counts', () => {
    expect(isSmall(0, 5)).toBe(false);
    expect(publishCount(0, BOARD)).toEqual({ value: 0, suppressed: false });
    for (const n of [1, 2, 3, 4, 5]) expect(publishCount(n, BOARD)).toEqual(HIDDEN);
    expect(publishCount(6, BOARD)).toEqual({ value: 6, suppressed: false });
    expect(publishCount(3, { suppress: true, max: 2 })).toEqual({ value: 3, suppressed: false });
    expect(publishCount(3, RAW)).toEqual({ value: 3, suppressed: false });
  });

  it('hides a rate, median or percentile when its count is hidden', () => {
    expect(publishDerived(12.5, 4, BOARD)).toEqual(HIDDEN);
    expect(publishDerived(12.5, 6, BOARD)).toEqual({ value: 12.5, suppressed: false });
    expect(publishDerived(null, 0, BOARD)).toEqual({ value: null, suppressed: false });
    expect(publishDerived(12.5, 4, RAW)).toEqual({ value: 12.5, suppressed: false });
  });

  it('hides a percentage when numerator, denominator or their difference is small', () => {
    expect(publishPercent(3, 20, BOARD)).toEqual(HIDDEN); // numerator
    expect(publishPercent(17, 20, BOARD)).toEqual(HIDDEN); // difference
    expect(publishPercent(0, 4, BOARD)).toEqual(HIDDEN); // denominator
    expect(publishPercent(4, 4, BOARD)).toEqual(HIDDEN);
    expect(publishPercent(0, 20, BOARD)).toEqual({ value: 0, suppressed: false });
    expect(publishPercent(20, 20, BOARD)).toEqual({ value: 100, suppressed: false });
    expect(publishPercent(8, 20, BOARD)).toEqual({ value: 40, suppressed: false });
    expect(publishPercent(0, 0, BOARD)).toEqual({ value: null, suppressed: false });
    expect(publishPercent(3, 20, RAW)).toEqual({ value: 15, suppressed: false });
  });

  it('adds the smallest other non-zero month when exactly one month is hidden and the total is shown', () => {
    expect(suppressedMonths([10, 3, 0, 8, 20], 41, 5)).toEqual([false, true, false, true, false]);
    // Ties: the earliest of the smallest.
    expect(suppressedMonths([9, 2, 9, 12], 32, 5)).toEqual([true, true, false, false]);
    // Two hidden months already: subtraction gives only their sum.
    expect(suppressedMonths([10, 3, 4, 8], 25, 5)).toEqual([false, true, true, false]);
    // Total hidden: nothing to subtract from.
    expect(suppressedMonths([0, 3, 0], 3, 5)).toEqual([false, true, false]);
    // Nothing small: nothing hidden.
    expect(suppressedMonths([0, 6, 7], 13, 5)).toEqual([false, false, false]);
  });

  it('never leaves a hidden month recoverable by subtraction (property over random months)', () => {
    const random = prng(20250401);
    for (let trial = 0; trial < 5000; trial++) {
      const max = 1 + Math.floor(random() * 6);
      const length = 1 + Math.floor(random() * 14);
      const counts = Array.from({ length }, () => {
        const r = random();
        return r < 0.25 ? 0 : r < 0.6 ? 1 + Math.floor(random() * max) : Math.floor(random() * 40);
      });
      const total = counts.reduce((a, b) => a + b, 0);
      const hide = suppressedMonths(counts, total, max);
      // Every small month is hidden; no zero month is.
      counts.forEach((n, i) => {
        if (isSmall(n, max)) expect(hide[i]).toBe(true);
        if (n === 0) expect(hide[i]).toBe(false);
      });
      // The only linear relation published is total = sum(months): with the total shown,
      // one hidden month alone would equal total − published months.
      if (!isSmall(total, max)) expect(hide.filter(Boolean).length).not.toBe(1);
    }
  });

  it('publishes referral figures raw for admins and suppressed for board members', () => {
    const period = { from: '2024-04-01', to: '2024-06-30' };
    const agg = {
      months: [
        { month: '2024-04', received: 30 },
        { month: '2024-05', received: 2 },
        { month: '2024-06', received: 9 },
      ],
      reReferrals: 7,
      accepted: 20,
      declined: 3,
      population: 20_000,
    };
    const raw = buildReferralMetrics(period, agg, RAW);
    expect(raw.received).toEqual({ value: 41, suppressed: false });
    expect(raw.ratePer10kChildren).toEqual({ value: 410_000 / 20_000, suppressed: false });
    expect(raw.reReferralPercent).toEqual({ value: 700 / 41, suppressed: false });
    expect(raw.acceptancePercent).toEqual({ value: 2000 / 23, suppressed: false });
    expect(raw.byMonth.map((m) => m.received.value)).toEqual([30, 2, 9]);

    const board = buildReferralMetrics(period, agg, BOARD);
    expect(board.received).toEqual({ value: 41, suppressed: false });
    expect(board.reReferralPercent).toEqual({ value: 700 / 41, suppressed: false });
    expect(board.declined).toEqual(HIDDEN);
    expect(board.acceptancePercent).toEqual(HIDDEN);
    expect(board.byMonth).toEqual([
      {
        month: '2024-04',
        received: { value: 30, suppressed: false },
        ratePer10kChildren: { value: 15, suppressed: false },
      },
      { month: '2024-05', received: HIDDEN, ratePer10kChildren: HIDDEN },
      { month: '2024-06', received: HIDDEN, ratePer10kChildren: HIDDEN },
    ]);
  });

  it('fills months without referrals with zero', () => {
    const view = buildReferralMetrics(
      { from: '2024-01-15', to: '2024-03-02' },
      { months: [], reReferrals: 0, accepted: 0, declined: 0, population: null },
      BOARD,
    );
    expect(view.received).toEqual({ value: 0, suppressed: false });
    expect(view.ratePer10kChildren).toEqual({ value: null, suppressed: false });
    expect(view.reReferralPercent).toEqual({ value: null, suppressed: false });
    expect(view.acceptancePercent).toEqual({ value: null, suppressed: false });
    expect(view.byMonth.map((m) => [m.month, m.received.value])).toEqual([
      ['2024-01', 0],
      ['2024-02', 0],
      ['2024-03', 0],
    ]);
  });

  it('publishes wait statistics raw or suppressed', () => {
    const agg = { count: 4, medianDays: 10.5, p92Days: 40.24, withinTarget: 2, over18Weeks: 0 };
    expect(buildWaitStats(agg, RAW)).toEqual({
      count: { value: 4, suppressed: false },
      medianDays: { value: 10.5, suppressed: false },
      p92Days: { value: 40.24, suppressed: false },
      withinTargetPercent: { value: 50, suppressed: false },
      over18Weeks: { value: 0, suppressed: false },
    });
    expect(buildWaitStats(agg, BOARD)).toEqual({
      count: HIDDEN,
      medianDays: HIDDEN,
      p92Days: HIDDEN,
      withinTargetPercent: HIDDEN,
      over18Weeks: { value: 0, suppressed: false },
    });
    const none = { count: 0, medianDays: null, p92Days: null, withinTarget: 0, over18Weeks: 0 };
    expect(buildWaitStats(none, BOARD)).toEqual({
      count: { value: 0, suppressed: false },
      medianDays: { value: null, suppressed: false },
      p92Days: { value: null, suppressed: false },
      withinTargetPercent: { value: null, suppressed: false },
      over18Weeks: { value: 0, suppressed: false },
    });
  });
});
