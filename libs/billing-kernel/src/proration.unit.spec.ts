import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { periods, term, toSubsidiaryDate } from './calendar';
import { addMoney, money, MoneyError } from './money';
import { prorateByDays, prorateChangeOfPlan, prorateRestOfTerm } from './proration';
import { subsidiary } from './subsidiaries';

const date = (text: string) => Temporal.PlainDate.from(text);
const eur = (value: number) => money(value, 'EUR');
const march = { start: date('2025-03-01'), end: date('2025-04-01') }; // 31 days

describe('proration by day', () => {
  it('is price × days ÷ days in term, rounded half-up once', () => {
    expect(prorateByDays(eur(3099), 10, 31)).toEqual(eur(1000)); // 999.68
    expect(prorateByDays(eur(799), 15, 31)).toEqual(eur(387)); // 386.61
    expect(prorateByDays(eur(1), 1, 2)).toEqual(eur(1)); // 0.5 → 1
    expect(prorateByDays(money(7500, 'CZK'), 14, 28)).toEqual(money(3750, 'CZK'));
    expect(prorateByDays(money(1500, 'JPY'), 1, 30)).toEqual(money(50, 'JPY'));
    expect(prorateByDays(eur(799), 0, 31)).toEqual(eur(0));
  });

  it('refuses day counts that are not a part of the term', () => {
    expect(() => prorateByDays(eur(799), 32, 31)).toThrow(RangeError);
    expect(() => prorateByDays(eur(799), -1, 31)).toThrow(RangeError);
    expect(() => prorateByDays(eur(799), 1.5, 31)).toThrow(RangeError);
    expect(() => prorateByDays(eur(799), 1, 0)).toThrow(RangeError);
  });

  it('prorates the rest of a term from a date', () => {
    expect(prorateRestOfTerm(eur(799), march, date('2025-03-17'))).toEqual(eur(387)); // 15 of 31 days
    expect(prorateRestOfTerm(eur(799), march, date('2025-04-01'))).toEqual(eur(0));
    expect(() => prorateRestOfTerm(eur(799), march, date('2025-02-28'))).toThrow(RangeError);
    expect(() => prorateRestOfTerm(eur(799), march, date('2025-04-02'))).toThrow(RangeError);
  });

  it('counts days in the subsidiary\'s time zone: 23:30 UTC on Mar 16 is already Mar 17 in Paris', () => {
    const changeDate = toSubsidiaryDate(Temporal.Instant.from('2025-03-16T23:30:00Z'), subsidiary('FR'));
    expect(prorateRestOfTerm(eur(799), march, changeDate)).toEqual(eur(387)); // 15 days, not 16
  });

  it('gives a plan change as a credit for the old plan and a charge for the new one, for one invoice', () => {
    expect(prorateChangeOfPlan(eur(799), eur(1599), march, date('2025-03-17'))).toEqual({
      unusedOldPlanCredit: eur(-387),
      newPlanCharge: eur(774), // 773.71
      remainingDays: 15,
      daysInTerm: 31,
    });
    expect(() => prorateChangeOfPlan(eur(799), money(1599, 'GBP'), march, date('2025-03-17'))).toThrow(MoneyError);
  });
});

describe('proration properties', () => {
  const terms = fc
    .record({
      anchor: fc.integer({ min: 0, max: 4000 }).map((offset) => date('2020-01-01').add({ days: offset })),
      period: fc.constantFrom(...periods),
      termNumber: fc.integer({ min: 1, max: 10 }),
    })
    .map(({ anchor, period, termNumber }) => term(anchor, period, termNumber));
  const price = fc.integer({ min: 0, max: 10_000_000 }).map(eur);

  it('prorating a full term gives the full price', () => {
    fc.assert(
      fc.property(price, terms, (fullPrice, fullTerm) => {
        expect(prorateRestOfTerm(fullPrice, fullTerm, fullTerm.start)).toEqual(fullPrice);
      }),
    );
  });

  it('a term split in two prorates to within one minor unit of the full price', () => {
    fc.assert(
      fc.property(price, terms, fc.integer({ min: 0, max: 1100 }), (fullPrice, fullTerm, offset) => {
        const days = fullTerm.start.until(fullTerm.end, { largestUnit: 'days' }).days;
        const used = offset % (days + 1);
        const sum = addMoney(prorateByDays(fullPrice, used, days), prorateByDays(fullPrice, days - used, days));
        expect(Math.abs(sum.value - fullPrice.value)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('changing to the same price costs nothing', () => {
    fc.assert(
      fc.property(price, terms, fc.integer({ min: 0, max: 1100 }), (samePrice, fullTerm, offset) => {
        const changeDate = fullTerm.start.add({ days: offset % (fullTerm.start.until(fullTerm.end).days + 1) });
        const change = prorateChangeOfPlan(samePrice, samePrice, fullTerm, changeDate);
        expect(addMoney(change.unusedOldPlanCredit, change.newPlanCharge)).toEqual(eur(0));
      }),
    );
  });
});
