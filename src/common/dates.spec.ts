import { jest } from '@jest/globals';
import { ageInYears, assertNotInFuture, dateInZone, daysBetween, isKnownTimeZone } from './dates.js';

describe('calendar arithmetic', () => {
  it('takes the calendar date in the reporting time zone', () => {
    // 23:30 UTC on 31 March 2025 is 00:30 on 1 April in London (BST).
    expect(dateInZone(new Date('2025-03-31T23:30:00Z'), 'Europe/London')).toBe('2025-04-01');
    expect(dateInZone(new Date('2025-03-31T23:30:00Z'), 'UTC')).toBe('2025-03-31');
    // In winter London is UTC.
    expect(dateInZone(new Date('2025-01-15T23:30:00Z'), 'Europe/London')).toBe('2025-01-15');
  });

  it('builds one formatter per time zone and keeps the zones apart', () => {
    const build = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      const instant = new Date('2025-06-30T12:30:00Z'); // 00:30 on 1 July in Auckland (NZST)
      expect(dateInZone(instant, 'Pacific/Auckland')).toBe('2025-07-01');
      expect(dateInZone(instant, 'America/Los_Angeles')).toBe('2025-06-30');
      expect(dateInZone(instant, 'Pacific/Auckland')).toBe('2025-07-01');
      expect(dateInZone(new Date('2025-12-31T11:30:00Z'), 'Pacific/Auckland')).toBe('2026-01-01');
      expect(build).toHaveBeenCalledTimes(2);
    } finally {
      build.mockRestore();
    }
  });

  it('tells the time zones ICU knows from those it does not', () => {
    expect(isKnownTimeZone('Europe/London')).toBe(true);
    expect(isKnownTimeZone('Europe/Atlantis')).toBe(false);
  });

  it('refuses a time zone ICU does not know, every time', () => {
    expect(() => dateInZone(new Date(), 'Europe/Atlantis')).toThrow(RangeError);
    expect(() => dateInZone(new Date(), 'Europe/Atlantis')).toThrow(RangeError);
  });

  it('counts whole days between dates across month ends, leap days and clock changes', () => {
    expect(daysBetween('2025-03-29', '2025-03-31')).toBe(2); // spans the spring clock change
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(daysBetween('2025-04-01', '2025-04-01')).toBe(0);
    expect(daysBetween('2025-04-10', '2025-04-01')).toBe(-9);
  });

  it('computes age in whole years on a date', () => {
    expect(ageInYears('2013-06-15', '2025-06-14')).toBe(11);
    expect(ageInYears('2013-06-15', '2025-06-15')).toBe(12);
    expect(ageInYears('2012-02-29', '2025-02-28')).toBe(12);
    expect(ageInYears('2012-02-29', '2024-02-28')).toBe(11);
    expect(ageInYears('2012-02-29', '2024-02-29')).toBe(12);
    expect(ageInYears('2025-01-01', '2025-01-01')).toBe(0);
  });

  it('allows two minutes of clock skew for instants in the future', () => {
    const now = new Date('2025-04-01T12:00:00Z');
    expect(() => assertNotInFuture(new Date('2025-04-01T12:01:59Z'), 'occurredAt', now)).not.toThrow();
    expect(() => assertNotInFuture(new Date('2025-04-01T12:02:01Z'), 'occurredAt', now)).toThrow(
      /occurredAt/,
    );
  });
});
