import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { money, negateMoney, type Money } from './money';
import { subsidiary, type SubsidiaryCode } from './subsidiaries';
import { computeInvoiceTotals, determineTax, legalMentions, TaxError, type CustomerTaxProfile } from './tax';

const date = (text: string) => Temporal.PlainDate.from(text);
const taxFor = (seller: SubsidiaryCode, customer: CustomerTaxProfile, on = '2025-03-10') => determineTax(subsidiary(seller), customer, date(on));

function taxErrorReason(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof TaxError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('determineTax — EU subsidiary, consumers (B2C)', () => {
  it('charges the seller\'s rate to a domestic consumer and records where the rate comes from', () => {
    expect(taxFor('FR', { country: 'FR' })).toEqual({
      treatment: 'standard',
      rate: 2000,
      taxCountry: 'FR',
      rateEffectiveFrom: '2014-01-01',
      rateSource: expect.stringContaining('Code général des impôts'),
    });
  });

  it('charges the seller\'s rate when the consumer\'s country is unknown', () => {
    expect(taxFor('DE', {})).toMatchObject({ treatment: 'standard', rate: 1900, taxCountry: 'DE' });
  });

  it('charges an EU consumer the rate of the consumer\'s country, not the seller\'s', () => {
    expect(taxFor('FR', { country: 'DE' })).toMatchObject({ treatment: 'standard', rate: 1900, taxCountry: 'DE' });
    expect(taxFor('FR', { country: 'HU' })).toMatchObject({ rate: 2700, taxCountry: 'HU' });
    expect(taxFor('PL', { country: 'CZ' })).toMatchObject({ rate: 2100, taxCountry: 'CZ' });
  });

  it('follows the consumer\'s country\'s rate change: FI 24 % until 2024-08-31, 25.5 % from 2024-09-01', () => {
    expect(taxFor('FR', { country: 'FI' }, '2024-08-31')).toMatchObject({ rate: 2400, rateEffectiveFrom: '2013-01-01' });
    expect(taxFor('FR', { country: 'FI' }, '2024-09-01')).toMatchObject({ rate: 2550, rateEffectiveFrom: '2024-09-01' });
    expect(taxFor('FI', {}, '2024-08-31').rate).toBe(2400);
    expect(taxFor('FI', {}, '2024-09-01').rate).toBe(2550);
  });

  it('taxes a consumer in Monaco as a French one', () => {
    expect(taxFor('ES', { country: 'MC' })).toMatchObject({ treatment: 'standard', rate: 2000, taxCountry: 'FR' });
  });

  it('charges no EU VAT to a consumer outside the EU, with the legal mention', () => {
    expect(taxFor('FR', { country: 'US' })).toEqual({
      treatment: 'outsideScope',
      rate: 0,
      taxCountry: 'US',
      legalMention: legalMentions.euConsumerOutsideEu,
    });
    expect(taxFor('NL', { country: 'CH' }).treatment).toBe('outsideScope');
  });

  it('treats a blank VAT number as a consumer', () => {
    expect(taxFor('FR', { country: 'DE', vatNumber: '  ' })).toMatchObject({ treatment: 'standard', rate: 1900, taxCountry: 'DE' });
  });

  it('refuses to guess a rate the table does not know', () => {
    expect(taxErrorReason(() => taxFor('FR', { country: 'BE' }, '2024-06-01'))).toBe('VAT_RATE_NOT_FOUND');
    expect(taxErrorReason(() => taxFor('FR', {}, '1999-01-01'))).toBe('VAT_RATE_NOT_FOUND');
  });

  it('refuses a country code that is not ISO 3166-1 (UK, EL, lower case…)', () => {
    expect(taxErrorReason(() => taxFor('FR', { country: 'UK' }))).toBe('UNKNOWN_COUNTRY');
    expect(taxErrorReason(() => taxFor('FR', { country: 'EL' }))).toBe('UNKNOWN_COUNTRY');
    expect(taxErrorReason(() => taxFor('FR', { country: 'de' }))).toBe('UNKNOWN_COUNTRY');
  });
});

describe('determineTax — EU subsidiary, businesses (B2B)', () => {
  it('reverse-charges a business registered in another member state: 0 % with the legal mention', () => {
    expect(taxFor('FR', { country: 'DE', vatNumber: 'de 318 462 759' })).toEqual({
      treatment: 'reverseCharge',
      rate: 0,
      taxCountry: 'DE',
      customerVatNumber: 'DE318462759',
      legalMention: legalMentions.euReverseCharge,
    });
    expect(legalMentions.euReverseCharge).toMatch(/Reverse charge.*2006\/112\/EC, art\. 196/);
  });

  it.each([
    ['FR', 'EL123456789', 'GR'],
    ['FI', 'SE123456789001', 'SE'],
    ['PL', 'CZ27184652', 'CZ'],
    ['IE', 'NL861234567B01', 'NL'],
    ['LT', 'FR63921846307', 'FR'],
  ] as const)('%s subsidiary, customer %s: reverse charge (%s)', (seller, vatNumber, country) => {
    expect(taxFor(seller, { vatNumber })).toMatchObject({ treatment: 'reverseCharge', rate: 0, taxCountry: country });
  });

  it('charges domestic VAT to a business registered in the seller\'s own country', () => {
    expect(taxFor('FR', { country: 'FR', vatNumber: 'FR63921846307' })).toMatchObject({
      treatment: 'standard',
      rate: 2000,
      taxCountry: 'FR',
      customerVatNumber: 'FR63921846307',
    });
  });

  it('goes by the VAT number\'s member state, not by the declared address', () => {
    expect(taxFor('FR', { country: 'DE', vatNumber: 'FR63921846307' }).treatment).toBe('standard');
    expect(taxFor('FR', { country: 'FR', vatNumber: 'DE318462759' }).treatment).toBe('reverseCharge');
  });

  it('rejects a malformed EU VAT number rather than charging or exempting by mistake', () => {
    expect(taxErrorReason(() => taxFor('FR', { country: 'DE', vatNumber: 'DE12345' }))).toBe('INVALID_VAT_NUMBER');
    // an EU business always has its member-state prefix
    expect(taxErrorReason(() => taxFor('FR', { country: 'DE', vatNumber: '318462759' }))).toBe('INVALID_VAT_NUMBER');
    expect(taxErrorReason(() => taxFor('FR', { vatNumber: '318462759' }))).toBe('INVALID_VAT_NUMBER');
  });

  it('charges no EU VAT to a business outside the EU (art. 44), whatever its number looks like', () => {
    expect(taxFor('FR', { country: 'CH', vatNumber: 'CHE-123.456.789 MWST' })).toEqual({
      treatment: 'outsideScope',
      rate: 0,
      taxCountry: 'CH',
      customerVatNumber: 'CHE123456789MWST',
      legalMention: legalMentions.euBusinessOutsideEu,
    });
    expect(taxFor('DE', { country: 'GB', vatNumber: 'GB284619375' })).toMatchObject({ treatment: 'outsideScope', taxCountry: 'GB' });
  });
});

describe('determineTax — UK subsidiary', () => {
  it('charges UK VAT to UK consumers and UK businesses', () => {
    expect(taxFor('GB', { country: 'GB' })).toMatchObject({ treatment: 'standard', rate: 2000, taxCountry: 'GB' });
    expect(taxFor('GB', { country: 'GB', vatNumber: 'GB284619375' })).toMatchObject({ treatment: 'standard', customerVatNumber: 'GB284619375' });
    expect(taxFor('GB', {}, '2011-01-03').rate).toBe(1750);
    expect(taxFor('GB', {}, '2011-01-04').rate).toBe(2000);
  });

  it('charges UK VAT to consumers wherever they live (stated conservative rule)', () => {
    expect(taxFor('GB', { country: 'FR' })).toMatchObject({ treatment: 'standard', rate: 2000, taxCountry: 'GB' });
  });

  it('puts a business outside the UK outside the scope of UK VAT', () => {
    expect(taxFor('GB', { country: 'DE', vatNumber: 'DE318462759' })).toEqual({
      treatment: 'outsideScope',
      rate: 0,
      taxCountry: 'DE',
      customerVatNumber: 'DE318462759',
      legalMention: legalMentions.ukBusinessOutsideUk,
    });
    expect(taxFor('GB', { country: 'US', vatNumber: '12-3456789' })).toMatchObject({ treatment: 'outsideScope', taxCountry: 'US' });
  });

  it('rejects a malformed UK number, or a UK business without the GB prefix', () => {
    expect(taxErrorReason(() => taxFor('GB', { vatNumber: 'GB1234' }))).toBe('INVALID_VAT_NUMBER');
    expect(taxErrorReason(() => taxFor('GB', { country: 'GB', vatNumber: '284619375' }))).toBe('INVALID_VAT_NUMBER');
  });
});

describe('determineTax — Canadian and US subsidiaries', () => {
  it.each(['CA', 'US'] as const)('%s: sales taxes are not computed; 0 with the mention saying so', (seller) => {
    expect(taxFor(seller, { country: seller })).toEqual({
      treatment: 'salesTaxNotComputed',
      rate: 0,
      taxCountry: seller,
      legalMention: legalMentions.salesTaxNotComputed,
    });
    expect(taxFor(seller, { vatNumber: 'anything' }).treatment).toBe('salesTaxNotComputed');
  });
});

describe('an invoice keeps the tax it applied', () => {
  it('is plain data that survives storage unchanged', () => {
    const applied = taxFor('FI', { country: 'FI' }, '2024-08-31');
    expect(JSON.parse(JSON.stringify(applied))).toEqual(applied);
    expect(applied.rate).toBe(2400);
    // the same invoice date always gives the same tax, however late it is recomputed
    expect(taxFor('FI', { country: 'FI' }, '2024-08-31')).toEqual(applied);
  });
});

describe('computeInvoiceTotals — per invoice and per rate, rounded once', () => {
  const eur = (value: number) => money(value, 'EUR');
  const lines = (rate: number, ...totals: Money[]) => totals.map((lineTotal) => ({ lineTotal, rate }));

  // Each case: rounding every line's tax would give `perLine`; the correct per-invoice tax is `tax`.
  it.each([
    ['FR 20 %, 3 × 2.99 EUR', lines(2000, eur(299), eur(299), eur(299)), 180, 179],
    ['FI 25.5 %, 2 × 7.99 EUR', lines(2550, eur(799), eur(799)), 408, 407],
    ['FI 25.5 %, 3 × 30.99 EUR', lines(2550, eur(3099), eur(3099), eur(3099)), 2370, 2371],
    ['PL 23 %, 3 × 12.99 PLN', lines(2300, ...Array(3).fill(money(1299, 'PLN'))), 897, 896],
    ['JP 10 %, 3 × 333 JPY', lines(1000, ...Array(3).fill(money(333, 'JPY'))), 99, 100],
  ])('%s: per-line rounding would say %i, the invoice says %i', (_case, invoiceLines, perLine, tax) => {
    const currency = invoiceLines[0].lineTotal.currency;
    const totals = computeInvoiceTotals(currency, invoiceLines);
    expect(totals.totalTax).toEqual(money(tax, currency));
    const perLineSum = invoiceLines
      .map((line) => computeInvoiceTotals(currency, [line]).totalTax.value)
      .reduce((a, b) => a + b, 0);
    expect(perLineSum).toBe(perLine);
  });

  it('groups lines by rate, in order of first appearance, and adds up the totals', () => {
    const totals = computeInvoiceTotals('EUR', [
      { lineTotal: eur(1000), rate: 2000 },
      { lineTotal: eur(500), rate: 550 },
      { lineTotal: eur(999), rate: 2000 },
      { lineTotal: eur(300), rate: 0 },
    ]);
    expect(totals.taxPerRate).toEqual([
      { rate: 2000, taxBase: eur(1999), tax: eur(400) },
      { rate: 550, taxBase: eur(500), tax: eur(28) },
      { rate: 0, taxBase: eur(300), tax: eur(0) },
    ]);
    expect(totals.totalExcludingTax).toEqual(eur(2799));
    expect(totals.totalTax).toEqual(eur(428));
    expect(totals.totalIncludingTax).toEqual(eur(3227));
  });

  it('nets a credit line against the charges of the same rate (plan change on one invoice)', () => {
    const totals = computeInvoiceTotals('EUR', [
      { lineTotal: eur(-387), rate: 2000 },
      { lineTotal: eur(774), rate: 2000 },
    ]);
    expect(totals.taxPerRate).toEqual([{ rate: 2000, taxBase: eur(387), tax: eur(77) }]);
    expect(totals.totalIncludingTax).toEqual(eur(464));
  });

  it('gives zero totals for an invoice without lines', () => {
    expect(computeInvoiceTotals('CZK', [])).toEqual({
      taxPerRate: [],
      totalExcludingTax: money(0, 'CZK'),
      totalTax: money(0, 'CZK'),
      totalIncludingTax: money(0, 'CZK'),
    });
  });

  it('is within half a minor unit of the exact tax, and a credit note mirrors its invoice', () => {
    const line = fc.record({ lineTotal: fc.integer({ min: -10_000_000, max: 10_000_000 }).map(eur), rate: fc.constantFrom(0, 550, 2000, 2100, 2300, 2550) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (invoiceLines) => {
        const totals = computeInvoiceTotals('EUR', invoiceLines);
        for (const { rate, taxBase, tax } of totals.taxPerRate) {
          const error = BigInt(tax.value) * 10000n - BigInt(taxBase.value) * BigInt(rate);
          expect(error <= 5000n && error >= -5000n).toBe(true);
        }
        const credit = computeInvoiceTotals('EUR', invoiceLines.map(({ lineTotal, rate }) => ({ lineTotal: negateMoney(lineTotal), rate })));
        expect(credit.totalTax).toEqual(negateMoney(totals.totalTax));
        expect(totals.totalIncludingTax.value).toBe(totals.totalExcludingTax.value + totals.totalTax.value);
      }),
    );
  });
});
