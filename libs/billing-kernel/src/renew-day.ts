// When a renewal is announced and charged. Automatic renewals of one account are grouped on the
// account's renew day so that the customer sees one charge a month rather than one per service.
import { Temporal } from 'temporal-polyfill';
import { daysBetween } from './calendar';

/** Account-level day of month (1–30) on which automatic renewals are charged. */
export type RenewDay = number;

export function isRenewDay(value: unknown): value is RenewDay {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 30;
}

/**
 * How many days before the expiration a renewal may be charged. With renew dates clamped to
 * short months, consecutive renew dates are at most 31 days apart, so a 30-day window always
 * holds one.
 */
export const defaultRenewalBillingWindowDays = 30;

export type RenewalBillingDate = Readonly<{
  billingDate: Temporal.PlainDate;
  /** false when no renew date fell in the window and the window's first day was used */
  onRenewDay: boolean;
}>;

/** The renew date of a month: the renew day, or the month's last day when it is shorter (Feb 28 for 30). */
function renewDateIn(month: Temporal.PlainYearMonth, renewDay: RenewDay): Temporal.PlainDate {
  return month.toPlainDate({ day: Math.min(renewDay, month.daysInMonth) });
}

/**
 * The date a term expiring on `expirationDate` is charged: the last renew date on or before the
 * expiration, if it is at most `windowDays` before it. When there is none (only possible with a
 * window shorter than 30 days), the renewal is charged on the window's first day — as early as
 * allowed, so that the dunning retries still run before the service expires. A date already in
 * the past when this is called means "charge now"; that is the caller's clock, not ours.
 */
export function renewalBillingDate(
  expirationDate: Temporal.PlainDate,
  renewDay: RenewDay,
  windowDays: number = defaultRenewalBillingWindowDays,
): RenewalBillingDate {
  if (!isRenewDay(renewDay)) throw new RangeError(`a renew day is a whole day of month from 1 to 30, got ${renewDay}`);
  if (!Number.isInteger(windowDays) || windowDays < 0) throw new RangeError(`window must be a whole number of days, got ${windowDays}`);
  const expirationMonth = expirationDate.toPlainYearMonth();
  const inExpirationMonth = renewDateIn(expirationMonth, renewDay);
  const lastRenewDate =
    Temporal.PlainDate.compare(inExpirationMonth, expirationDate) <= 0
      ? inExpirationMonth
      : renewDateIn(expirationMonth.subtract({ months: 1 }), renewDay);
  return daysBetween(lastRenewDate, expirationDate) <= windowDays
    ? { billingDate: lastRenewDate, onRenewDay: true }
    : { billingDate: expirationDate.subtract({ days: windowDays }), onRenewDay: false };
}

export type RenewalReminder = Readonly<{ daysBeforeExpiration: 40 | 15; date: Temporal.PlainDate }>;

/** The two reminders of a term: 40 days before expiration (announces the price) and 15 days before. */
export function renewalReminders(expirationDate: Temporal.PlainDate): readonly [RenewalReminder, RenewalReminder] {
  return [
    { daysBeforeExpiration: 40, date: expirationDate.subtract({ days: 40 }) },
    { daysBeforeExpiration: 15, date: expirationDate.subtract({ days: 15 }) },
  ];
}
