import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import {
  daysBetween,
  isPeriod,
  monthsInPeriod,
  periods,
  startOfSubsidiaryDay,
  term,
  termContaining,
  termEnd,
  toSubsidiaryDate,
  type Period,
} from './calendar';
import { subsidiary } from './subsidiaries';

const date = (text: string) => Temporal.PlainDate.from(text);
const ends = (anchor: string, period: Period, count: number) =>
  Array.from({ length: count }, (_, index) => termEnd(date(anchor), period, index + 1).toString());

describe('periods', () => {
  it('are the six ISO 8601 durations we sell', () => {
    expect(periods).toEqual(['P1M', 'P3M', 'P6M', 'P1Y', 'P2Y', 'P3Y']);
    expect(periods.map(monthsInPeriod)).toEqual([1, 3, 6, 12, 24, 36]);
    expect(isPeriod('P1Y')).toBe(true);
    expect(isPeriod('P12M')).toBe(false);
    expect(isPeriod('P2M')).toBe(false);
    expect(isPeriod(undefined)).toBe(false);
  });
});

describe('anchored terms', () => {
  it('computes each end from the anchor: Jan 31 → Feb 29 → Mar 31 → Apr 30 (leap year)', () => {
    expect(ends('2024-01-31', 'P1M', 4)).toEqual(['2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']);
  });

  it('and Feb 28 in a common year, never drifting to the 28th afterwards', () => {
    expect(ends('2023-01-31', 'P1M', 3)).toEqual(['2023-02-28', '2023-03-31', '2023-04-30']);
  });

  it('keeps a Feb 29 anchor on Feb 29 in leap years and Feb 28 otherwise', () => {
    expect(ends('2024-02-29', 'P1Y', 4)).toEqual(['2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
  });

  it('handles quarterly and multi-year periods', () => {
    expect(ends('2024-11-30', 'P3M', 3)).toEqual(['2025-02-28', '2025-05-30', '2025-08-30']);
    expect(ends('2024-08-31', 'P6M', 2)).toEqual(['2025-02-28', '2025-08-31']);
    expect(ends('2023-02-28', 'P2Y', 2)).toEqual(['2025-02-28', '2027-02-28']);
    expect(ends('2021-05-15', 'P3Y', 1)).toEqual(['2024-05-15']);
  });

  it('gives a term as [start, end), the start being the previous end', () => {
    expect(term(date('2024-01-31'), 'P1M', 2)).toEqual({ termNumber: 2, start: date('2024-02-29'), end: date('2024-03-31') });
    expect(termEnd(date('2024-01-31'), 'P1M', 0)).toEqual(date('2024-01-31'));
    expect(() => term(date('2024-01-31'), 'P1M', 0)).toThrow(RangeError);
    expect(() => termEnd(date('2024-01-31'), 'P1M', -1)).toThrow(RangeError);
    expect(() => termEnd(date('2024-01-31'), 'P1M', 1.5)).toThrow(RangeError);
  });

  it('finds the term containing a date', () => {
    const anchor = date('2024-01-31');
    expect(termContaining(anchor, 'P1M', date('2024-01-31')).termNumber).toBe(1);
    expect(termContaining(anchor, 'P1M', date('2024-02-28')).termNumber).toBe(1);
    expect(termContaining(anchor, 'P1M', date('2024-02-29')).termNumber).toBe(2);
    expect(termContaining(anchor, 'P1Y', date('2026-01-30'))).toEqual({ termNumber: 2, start: date('2025-01-31'), end: date('2026-01-31') });
    expect(() => termContaining(anchor, 'P1M', date('2024-01-30'))).toThrow(RangeError);
  });
});

describe('anchored term properties', () => {
  const monthIndex = (d: Temporal.PlainDate) => d.year * 12 + d.month;
  // enough terms to cover ten years (four for P3Y); test-side arithmetic on counts, not amounts
  const tenYearsOfTerms = (period: Period) => Math.ceil(120 / monthsInPeriod(period));

  it('for every anchor day 1–31, every period and ten years: contiguous, one period apart, on min(anchor day, days in month)', () => {
    const anchors = fc
      .record({ year: fc.integer({ min: 2019, max: 2030 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
      .filter(({ year, month, day }) => day <= Temporal.PlainYearMonth.from({ year, month }).daysInMonth)
      .map((fields) => Temporal.PlainDate.from(fields));
    fc.assert(
      fc.property(anchors, fc.constantFrom(...periods), (anchor, period) => {
        let previous = term(anchor, period, 1);
        expect(previous.start).toEqual(anchor);
        for (let termNumber = 1; termNumber <= tenYearsOfTerms(period); termNumber += 1) {
          const current = term(anchor, period, termNumber);
          if (termNumber > 1) expect(current.start.equals(previous.end)).toBe(true);
          expect(monthIndex(current.end) - monthIndex(current.start)).toBe(monthsInPeriod(period));
          expect(current.end.day).toBe(Math.min(anchor.day, current.end.daysInMonth));
          previous = current;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('exhaustively, for each anchor day of January 2020 (leap year ahead) and each period', () => {
    for (let day = 1; day <= 31; day += 1) {
      for (const period of periods) {
        const anchor = Temporal.PlainDate.from({ year: 2020, month: 1, day });
        const seen = new Set<number>();
        for (let termNumber = 1; termNumber <= tenYearsOfTerms(period); termNumber += 1) {
          const end = termEnd(anchor, period, termNumber);
          expect(end.day).toBe(Math.min(day, end.daysInMonth));
          expect(monthIndex(end) - monthIndex(anchor)).toBe(termNumber * monthsInPeriod(period));
          seen.add(monthIndex(end));
        }
        expect(seen.size).toBe(tenYearsOfTerms(period)); // no month repeated
      }
    }
  });

  it('termContaining agrees with walking the terms one by one', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom(...periods),
        (anchorDate, offsetDays, period) => {
          const anchor = Temporal.PlainDate.from(anchorDate.toISOString().slice(0, 10));
          const target = anchor.add({ days: offsetDays });
          let expected = 1;
          while (Temporal.PlainDate.compare(termEnd(anchor, period, expected), target) <= 0) expected += 1;
          const found = termContaining(anchor, period, target);
          expect(found.termNumber).toBe(expected);
          expect(Temporal.PlainDate.compare(found.start, target) <= 0 && Temporal.PlainDate.compare(target, found.end) < 0).toBe(true);
        },
      ),
    );
  });
});

describe('calendar days and time zones', () => {
  it('counts days between dates', () => {
    expect(daysBetween(date('2024-02-01'), date('2024-03-01'))).toBe(29);
    expect(daysBetween(date('2023-02-01'), date('2023-03-01'))).toBe(28);
    expect(daysBetween(date('2024-01-01'), date('2025-01-01'))).toBe(366);
    expect(daysBetween(date('2024-03-01'), date('2024-03-01'))).toBe(0);
  });

  it('converts an instant to the subsidiary\'s calendar date, not the UTC one', () => {
    const newYearsEveLate = Temporal.Instant.from('2024-12-31T23:30:00Z');
    expect(toSubsidiaryDate(newYearsEveLate, subsidiary('FR'))).toEqual(date('2025-01-01'));
    expect(toSubsidiaryDate(newYearsEveLate, subsidiary('GB'))).toEqual(date('2024-12-31'));
    expect(toSubsidiaryDate(newYearsEveLate, subsidiary('US'))).toEqual(date('2024-12-31'));
    expect(toSubsidiaryDate(Temporal.Instant.from('2025-01-01T03:30:00Z'), subsidiary('US'))).toEqual(date('2024-12-31'));
    // summer time: Helsinki is UTC+3
    expect(toSubsidiaryDate(Temporal.Instant.from('2024-08-31T21:30:00Z'), subsidiary('FI'))).toEqual(date('2024-09-01'));
  });

  it('gives the date the time zone gives, whatever the order it is asked in (the current day is remembered)', () => {
    // Santiago moves its clocks at midnight: some of its days begin at 01:00
    const zones = [subsidiary('FR'), subsidiary('GB'), subsidiary('US'), subsidiary('FI'), subsidiary('CA'), { timeZone: 'America/Santiago' }];
    const from = Date.parse('2024-01-01T00:00:00Z');
    const until = Date.parse('2027-01-01T00:00:00Z');
    // instants that cluster (several per day, either side of midnight and of DST changes) and jump
    const instants = fc.array(fc.tuple(fc.integer({ min: from, max: until }), fc.array(fc.integer({ min: -7_200_000, max: 7_200_000 }), { maxLength: 6 })), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(instants, fc.nat({ max: zones.length - 1 }), (groups, zoneIndex) => {
        const seller = zones[zoneIndex];
        for (const [base, offsets] of groups) {
          for (const epochMs of [base, ...offsets.map((offset) => base + offset)]) {
            const instant = Temporal.Instant.fromEpochMilliseconds(epochMs);
            expect(toSubsidiaryDate(instant, seller).toString()).toBe(instant.toZonedDateTimeISO(seller.timeZone).toPlainDate().toString());
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the instant a subsidiary\'s day starts', () => {
    expect(startOfSubsidiaryDay(date('2025-01-01'), subsidiary('FR')).toString()).toBe('2024-12-31T23:00:00Z');
    expect(startOfSubsidiaryDay(date('2025-07-01'), subsidiary('FR')).toString()).toBe('2025-06-30T22:00:00Z');
    expect(startOfSubsidiaryDay(date('2025-01-01'), subsidiary('CA')).toString()).toBe('2025-01-01T05:00:00Z');
  });
});
