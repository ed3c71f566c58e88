// Proration by calendar day: price × days ÷ days in the term, in integers, rounded half-up once.
// Dates are the subsidiary's calendar dates (see toSubsidiaryDate), never UTC midnights.
import { Temporal } from 'temporal-polyfill';
import { daysBetween } from './calendar';
import { MoneyError, multiplyByFraction, negateMoney, type Money } from './money';

export function prorateByDays(price: Money, days: number, daysInTerm: number): Money {
  if (!Number.isInteger(daysInTerm) || daysInTerm <= 0) {
    throw new RangeError(`a term has a positive whole number of days, got ${daysInTerm}`);
  }
  if (!Number.isInteger(days) || days < 0 || days > daysInTerm) {
    throw new RangeError(`days must be a whole number between 0 and ${daysInTerm}, got ${days}`);
  }
  return multiplyByFraction(price, days, daysInTerm);
}

type TermDates = Readonly<{ start: Temporal.PlainDate; end: Temporal.PlainDate }>;

/** The share of a term's price for the days from `from` (included) to the term's end. */
export function prorateRestOfTerm(price: Money, term: TermDates, from: Temporal.PlainDate): Money {
  if (Temporal.PlainDate.compare(from, term.start) < 0 || Temporal.PlainDate.compare(from, term.end) > 0) {
    throw new RangeError(`${from.toString()} is outside the term ${term.start.toString()}–${term.end.toString()}`);
  }
  return prorateByDays(price, daysBetween(from, term.end), daysBetween(term.start, term.end));
}

export type PlanChangeProration = Readonly<{
  /** negative: the unused part of the old plan's term, credited */
  unusedOldPlanCredit: Money;
  /** the new plan's price for the same remaining days */
  newPlanCharge: Money;
  remainingDays: number;
  daysInTerm: number;
}>;

/**
 * A plan change mid-term: the credit for the unused days of the old plan and the charge for the
 * new plan over the same days, both meant for one invoice (the term's end does not move).
 */
export function prorateChangeOfPlan(
  oldPlanPrice: Money,
  newPlanPrice: Money,
  term: TermDates,
  changeDate: Temporal.PlainDate,
): PlanChangeProration {
  if (oldPlanPrice.currency !== newPlanPrice.currency) {
    throw new MoneyError('CURRENCY_MISMATCH', `cannot change from a ${oldPlanPrice.currency} to a ${newPlanPrice.currency} price`);
  }
  return {
    unusedOldPlanCredit: negateMoney(prorateRestOfTerm(oldPlanPrice, term, changeDate)),
    newPlanCharge: prorateRestOfTerm(newPlanPrice, term, changeDate),
    remainingDays: daysBetween(changeDate, term.end),
    daysInTerm: daysBetween(term.start, term.end),
  };
}
