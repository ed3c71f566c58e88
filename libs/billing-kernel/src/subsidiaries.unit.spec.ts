import { Temporal } from 'temporal-polyfill';
import { isCurrencyCode } from './currency';
import { allSubsidiaries, findSubsidiary, isSubsidiaryCode, subsidiary, subsidiaryCodes } from './subsidiaries';
import { readVatNumber } from './vat-number';

describe('subsidiaries', () => {
  it.each([
    ['FR', 'EUR', 'Europe/Paris', 'euVat'],
    ['ES', 'EUR', 'Europe/Madrid', 'euVat'],
    ['DE', 'EUR', 'Europe/Berlin', 'euVat'],
    ['IT', 'EUR', 'Europe/Rome', 'euVat'],
    ['PL', 'PLN', 'Europe/Warsaw', 'euVat'],
    ['PT', 'EUR', 'Europe/Lisbon', 'euVat'],
    ['IE', 'EUR', 'Europe/Dublin', 'euVat'],
    ['NL', 'EUR', 'Europe/Amsterdam', 'euVat'],
    ['LT', 'EUR', 'Europe/Vilnius', 'euVat'],
    ['CZ', 'CZK', 'Europe/Prague', 'euVat'],
    ['FI', 'EUR', 'Europe/Helsinki', 'euVat'],
    ['GB', 'GBP', 'Europe/London', 'ukVat'],
    ['CA', 'CAD', 'America/Toronto', 'salesTaxNotComputed'],
    ['US', 'USD', 'America/New_York', 'salesTaxNotComputed'],
  ] as const)('%s sells in %s, lives in %s, taxes under %s', (code, currency, timeZone, taxRegime) => {
    expect(subsidiary(code)).toMatchObject({ code, currency, timeZone, taxRegime, vatCountry: code });
  });

  it('lists every subsidiary once', () => {
    expect(allSubsidiaries().map(({ code }) => code)).toEqual([...subsidiaryCodes]);
  });

  it('prints a well-formed VAT number of its own country on EU and UK invoices', () => {
    for (const seller of allSubsidiaries().filter(({ taxRegime }) => taxRegime !== 'salesTaxNotComputed')) {
      expect(readVatNumber(seller.taxRegistrationNumber)).toMatchObject({ kind: 'wellFormed', country: seller.vatCountry });
      expect(seller.legalEntityName).not.toBe('');
    }
  });

  it('uses known currencies and real IANA time zones', () => {
    for (const seller of allSubsidiaries()) {
      expect(isCurrencyCode(seller.currency)).toBe(true);
      expect(() => Temporal.Now.instant().toZonedDateTimeISO(seller.timeZone)).not.toThrow();
    }
  });

  it('finds subsidiaries by code and says when a code is not ours', () => {
    expect(findSubsidiary('CZ')?.currency).toBe('CZK');
    expect(findSubsidiary('BE')).toBeUndefined();
    expect(findSubsidiary('fr')).toBeUndefined();
    expect(isSubsidiaryCode('US')).toBe(true);
    expect(isSubsidiaryCode('JP')).toBe(false);
    expect(isSubsidiaryCode(undefined)).toBe(false);
  });
});
