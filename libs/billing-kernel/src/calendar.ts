// Terms of a service on the subsidiary's calendar. Every term end is computed from the anchor
// (the first start date), never from the previous end, so that a service started on Jan 31
// renews on Feb 28/29, Mar 31, Apr 30… instead of drifting to the 28th for ever.
import { Temporal } from 'temporal-polyfill';
import type { Subsidiary } from './subsidiaries';

export const periods = ['P1M', 'P3M', 'P6M', 'P1Y', 'P2Y', 'P3Y'] as const;

/** ISO 8601 duration of one term. */
export type Period = (typeof periods)[number];

const monthsPerPeriod: Readonly<Record<Period, number>> = { P1M: 1, P3M: 3, P6M: 6, P1Y: 12, P2Y: 24, P3Y: 36 };

export function isPeriod(value: unknown): value is Period {
  return typeof value === 'string' && (periods as readonly string[]).includes(value);
}

export function monthsInPeriod(period: Period): number {
  return monthsPerPeriod[period];
}

/** A term is the half-open range [start, end): `end` is the expiration date and the next term's start. */
export type Term = Readonly<{ termNumber: number; start: Temporal.PlainDate; end: Temporal.PlainDate }>;

/**
 * The end of term `termNumber` (1 for the first term) of a service anchored on `anchor`:
 * anchor + termNumber × period, with the day clamped to the month's length
 * (min(anchor day, days in month)). `termNumber` 0 gives the anchor itself.
 */
export function termEnd(anchor: Temporal.PlainDate, period: Period, termNumber: number): Temporal.PlainDate {
  if (!Number.isInteger(termNumber) || termNumber < 0) {
    throw new RangeError(`term number must be a non-negative integer, got ${termNumber}`);
  }
  return anchor.add({ months: termNumber * monthsInPeriod(period) }, { overflow: 'constrain' });
}

export function term(anchor: Temporal.PlainDate, period: Period, termNumber: number): Term {
  if (!Number.isInteger(termNumber) || termNumber < 1) {
    throw new RangeError(`term numbers start at 1, got ${termNumber}`);
  }
  return { termNumber, start: termEnd(anchor, period, termNumber - 1), end: termEnd(anchor, period, termNumber) };
}

/** The term that contains `date` (start ≤ date < end). Dates before the anchor have no term. */
export function termContaining(anchor: Temporal.PlainDate, period: Period, date: Temporal.PlainDate): Term {
  if (Temporal.PlainDate.compare(date, anchor) < 0) {
    throw new RangeError(`${date.toString()} is before the anchor ${anchor.toString()}`);
  }
  // whole months since the anchor give a lower bound on the number of full terms elapsed
  const monthsElapsed = anchor.until(date, { largestUnit: 'months' }).months;
  let termNumber = 1;
  while ((termNumber + 1) * monthsInPeriod(period) <= monthsElapsed) termNumber += 1;
  while (Temporal.PlainDate.compare(termEnd(anchor, period, termNumber), date) <= 0) termNumber += 1;
  return term(anchor, period, termNumber);
}

/** Number of calendar days from `start` (included) to `end` (excluded). */
export function daysBetween(start: Temporal.PlainDate, end: Temporal.PlainDate): number {
  return start.until(end, { largestUnit: 'days' }).days;
}

/** A time zone's current day: its date and the instants it spans, [fromMs, untilMs). */
type KnownDay = { readonly date: Temporal.PlainDate; readonly fromMs: number; readonly untilMs: number };

const currentDays = new Map<string, KnownDay>();

/**
 * The calendar date an instant falls on for the subsidiary (e.g. 23:30 UTC on Dec 31 is Jan 1 in Paris).
 * Schedulers and invoicing ask this of the clock for every term and invoice they handle, and the
 * polyfill's time-zone arithmetic costs tens of microseconds a call: the day last found in each
 * time zone answers every instant it spans (day boundaries fall on whole milliseconds).
 */
export function toSubsidiaryDate(instant: Temporal.Instant, seller: Pick<Subsidiary, 'timeZone'>): Temporal.PlainDate {
  const epochMs = instant.epochMilliseconds;
  const known = currentDays.get(seller.timeZone);
  if (known && epochMs >= known.fromMs && epochMs < known.untilMs) return known.date;
  const date = instant.toZonedDateTimeISO(seller.timeZone).toPlainDate();
  currentDays.set(seller.timeZone, {
    date,
    fromMs: startOfSubsidiaryDay(date, seller).epochMilliseconds,
    untilMs: startOfSubsidiaryDay(date.add({ days: 1 }), seller).epochMilliseconds,
  });
  return date;
}

/**
 * The instant a subsidiary's calendar day begins — what an expiration date means when a
 * scheduler has to compare it with a clock.
 */
export function startOfSubsidiaryDay(date: Temporal.PlainDate, seller: Pick<Subsidiary, 'timeZone'>): Temporal.Instant {
  return date.toZonedDateTime({ timeZone: seller.timeZone }).toInstant();
}
