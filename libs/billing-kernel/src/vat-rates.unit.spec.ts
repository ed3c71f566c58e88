import { Temporal } from 'temporal-polyfill';
import { isEuMemberState } from './countries';
import { allSubsidiaries } from './subsidiaries';
import { standardVatRateOn, vatRateTable } from './vat-rates';

const on = (country: string, date: string) => standardVatRateOn(country, Temporal.PlainDate.from(date))?.standardRate;

describe('standard VAT rates either side of each change', () => {
  // [country, last day of the old rate, old rate, first day of the new rate, new rate, official source]
  it.each([
    ['FI', '2024-08-31', 2400, '2024-09-01', 2550, 'Vero Skatt: general rate 25.5 % from 1 September 2024'],
    ['FI', '2012-12-31', 2300, '2013-01-01', 2400, 'Arvonlisäverolaki § 84: 24 % from 1 January 2013'],
    ['DE', '2020-06-30', 1900, '2020-07-01', 1600, 'Zweites Corona-Steuerhilfegesetz: 16 % from 1 July 2020'],
    ['DE', '2020-12-31', 1600, '2021-01-01', 1900, 'UStG § 28: back to 19 % on 1 January 2021'],
    ['IE', '2020-08-31', 2300, '2020-09-01', 2100, 'Financial Provisions (Covid-19) (No. 2) Act 2020'],
    ['IE', '2021-02-28', 2100, '2021-03-01', 2300, 'Revenue: 23 % restored on 1 March 2021'],
    ['IE', '2011-12-31', 2100, '2012-01-01', 2300, 'VATCA 2010 s. 46(1)(a): 23 % from 1 January 2012'],
    ['FR', '2013-12-31', 1960, '2014-01-01', 2000, 'loi n° 2012-1510, art. 68: 20 % from 1 January 2014'],
    ['ES', '2012-08-31', 1800, '2012-09-01', 2100, 'Real Decreto-ley 20/2012: 21 % from 1 September 2012'],
    ['IT', '2013-09-30', 2100, '2013-10-01', 2200, 'DL 76/2013: 22 % from 1 October 2013'],
    ['NL', '2012-09-30', 1900, '2012-10-01', 2100, 'Wet OB 1968 art. 9: 21 % from 1 October 2012'],
    ['PL', '2010-12-31', 2200, '2011-01-01', 2300, 'Ustawa o VAT art. 146a: 23 % from 1 January 2011'],
    ['PT', '2010-12-31', 2100, '2011-01-01', 2300, 'Lei 55-A/2010 (OE 2011): 23 % from 1 January 2011'],
    ['CZ', '2012-12-31', 2000, '2013-01-01', 2100, 'Zákon 235/2004 Sb. § 47: 21 % from 1 January 2013'],
    ['LT', '2009-08-31', 1900, '2009-09-01', 2100, 'PVM įstatymas 19 str.: 21 % from 1 September 2009'],
    ['GB', '2011-01-03', 1750, '2011-01-04', 2000, 'Finance (No. 2) Act 2010 s. 3: 20 % from 4 January 2011'],
    ['EE', '2025-06-30', 2200, '2025-07-01', 2400, 'Käibemaksuseadus § 15: 24 % from 1 July 2025'],
    ['RO', '2025-07-31', 1900, '2025-08-01', 2100, 'Legea 141/2025: 21 % from 1 August 2025'],
  ])('%s: %s at the old rate, %s at the new one (%s)', (country, lastOldDay, oldRate, firstNewDay, newRate) => {
    expect(on(country, lastOldDay)).toBe(oldRate);
    expect(on(country, firstNewDay)).toBe(newRate);
  });
});

describe('the VAT rate table', () => {
  it('knows today\'s rate for every subsidiary that charges VAT, with its source named', () => {
    const expected: Record<string, number> = {
      FR: 2000, ES: 2100, DE: 1900, IT: 2200, PL: 2300, PT: 2300, IE: 2300, NL: 2100, LT: 2100, CZ: 2100, FI: 2550, GB: 2000,
    };
    for (const seller of allSubsidiaries().filter((candidate) => candidate.taxRegime !== 'salesTaxNotComputed')) {
      const entry = standardVatRateOn(seller.vatCountry, Temporal.PlainDate.from('2026-01-15'));
      expect(entry?.standardRate).toBe(expected[seller.vatCountry]);
      expect(entry?.source.length).toBeGreaterThan(10);
    }
  });

  it('covers every EU member state for consumers taxed where they live', () => {
    const countries = new Set(vatRateTable.map(({ country }) => country));
    const members = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'];
    members.forEach((member) => expect(countries.has(member)).toBe(true));
    [...countries].forEach((country) => expect(isEuMemberState(country) || country === 'GB').toBe(true));
  });

  it('holds rates as whole basis points with a real date and a named source', () => {
    for (const entry of vatRateTable) {
      expect(Number.isInteger(entry.standardRate)).toBe(true);
      expect(entry.standardRate).toBeGreaterThan(0);
      expect(entry.standardRate).toBeLessThan(10000);
      expect(Temporal.PlainDate.from(entry.effectiveFrom, { overflow: 'reject' }).toString()).toBe(entry.effectiveFrom);
      expect(entry.source.trim()).not.toBe('');
    }
  });

  it('has no two rates for one country starting the same day', () => {
    const keys = vatRateTable.map(({ country, effectiveFrom }) => `${country} ${effectiveFrom}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('answers nothing rather than guessing: before the first known rate, or outside the table', () => {
    expect(standardVatRateOn('FR', Temporal.PlainDate.from('1999-12-31'))).toBeUndefined();
    expect(standardVatRateOn('BE', Temporal.PlainDate.from('2024-12-31'))).toBeUndefined();
    expect(standardVatRateOn('US', Temporal.PlainDate.from('2025-01-01'))).toBeUndefined();
    expect(standardVatRateOn('CA', Temporal.PlainDate.from('2025-01-01'))).toBeUndefined();
  });

  it('returns the entry, so an invoice can copy the rate and its source', () => {
    expect(standardVatRateOn('FI', Temporal.PlainDate.from('2025-03-01'))).toEqual({
      country: 'FI',
      standardRate: 2550,
      effectiveFrom: '2024-09-01',
      source: expect.stringContaining('Arvonlisäverolaki'),
    });
  });
});
