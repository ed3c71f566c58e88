import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { defaultRenewalBillingWindowDays, isRenewDay, renewalBillingDate, renewalReminders } from './renew-day';

const date = (text: string) => Temporal.PlainDate.from(text);
const billing = (expiration: string, renewDay: number, windowDays?: number) => {
  const result = renewalBillingDate(date(expiration), renewDay, windowDays);
  return { billingDate: result.billingDate.toString(), onRenewDay: result.onRenewDay };
};

describe('renew day', () => {
  it('is a whole day of month from 1 to 30', () => {
    expect([1, 15, 30].every(isRenewDay)).toBe(true);
    expect([0, 31, 1.5, Number.NaN, '5', undefined].some(isRenewDay)).toBe(false);
    expect(() => renewalBillingDate(date('2025-03-20'), 31)).toThrow(RangeError);
    expect(() => renewalBillingDate(date('2025-03-20'), 10, -1)).toThrow(RangeError);
  });

  it('bills a term on the last renew day on or before its expiration', () => {
    expect(billing('2025-03-20', 10)).toEqual({ billingDate: '2025-03-10', onRenewDay: true });
    expect(billing('2025-03-05', 10)).toEqual({ billingDate: '2025-02-10', onRenewDay: true });
    expect(billing('2025-03-10', 10)).toEqual({ billingDate: '2025-03-10', onRenewDay: true });
    expect(billing('2025-03-31', 30)).toEqual({ billingDate: '2025-03-30', onRenewDay: true });
  });

  it('uses the last day of a month too short for the renew day (Feb 28/29 for 29 and 30)', () => {
    expect(billing('2025-03-10', 30)).toEqual({ billingDate: '2025-02-28', onRenewDay: true });
    expect(billing('2024-03-10', 30)).toEqual({ billingDate: '2024-02-29', onRenewDay: true });
    expect(billing('2025-03-01', 29)).toEqual({ billingDate: '2025-02-28', onRenewDay: true });
  });

  it('with a window too short to hold a renew date, bills on the window\'s first day', () => {
    expect(billing('2025-03-20', 1, 7)).toEqual({ billingDate: '2025-03-13', onRenewDay: false });
    expect(billing('2025-03-20', 15, 7)).toEqual({ billingDate: '2025-03-15', onRenewDay: true });
    expect(billing('2025-03-20', 1, 0)).toEqual({ billingDate: '2025-03-20', onRenewDay: false });
  });

  it('always finds a renew date within the default 30-day window', () => {
    expect(defaultRenewalBillingWindowDays).toBe(30);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4017 }), fc.integer({ min: 1, max: 30 }), (offset, renewDay) => {
        const expiration = date('2020-01-01').add({ days: offset });
        const { billingDate, onRenewDay } = renewalBillingDate(expiration, renewDay);
        expect(onRenewDay).toBe(true);
        expect(billingDate.day).toBe(Math.min(renewDay, billingDate.daysInMonth));
        const daysBefore = billingDate.until(expiration, { largestUnit: 'days' }).days;
        expect(daysBefore).toBeGreaterThanOrEqual(0);
        expect(daysBefore).toBeLessThanOrEqual(30);
        // it is the last one: next month's renew date is after the expiration
        const next = billingDate.toPlainYearMonth().add({ months: 1 });
        const nextRenewDate = next.toPlainDate({ day: Math.min(renewDay, next.daysInMonth) });
        expect(Temporal.PlainDate.compare(nextRenewDate, expiration)).toBe(1);
      }),
    );
  });
});

describe('renewal reminders', () => {
  it('fall 40 and 15 days before the expiration', () => {
    expect(renewalReminders(date('2025-03-31'))).toEqual([
      { daysBeforeExpiration: 40, date: date('2025-02-19') },
      { daysBeforeExpiration: 15, date: date('2025-03-16') },
    ]);
    expect(renewalReminders(date('2024-03-10')).map((reminder) => reminder.date.toString())).toEqual(['2024-01-30', '2024-02-24']);
  });
});
