import { currencyCodes, isCurrencyCode, minorUnitExponent } from './currency';

describe('currencies', () => {
  it.each([
    ['EUR', 2],
    ['GBP', 2],
    ['PLN', 2],
    ['CZK', 2],
    ['CAD', 2],
    ['USD', 2],
    ['JPY', 0],
  ] as const)('%s has ISO 4217 exponent %i', (currency, exponent) => {
    expect(minorUnitExponent(currency)).toBe(exponent);
  });

  it('knows exactly the currencies the subsidiaries bill in, plus JPY', () => {
    expect([...currencyCodes].sort()).toEqual(['CAD', 'CZK', 'EUR', 'GBP', 'JPY', 'PLN', 'USD']);
  });

  it('recognises currency codes, case-sensitively', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode('CHF')).toBe(false);
    expect(isCurrencyCode('toString')).toBe(false);
    expect(isCurrencyCode(978)).toBe(false);
  });
});
