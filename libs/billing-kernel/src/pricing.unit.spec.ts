import { Temporal } from 'temporal-polyfill';
import { loadCatalog } from './catalog';
import { money } from './money';
import { maxQuantityPerItem, priceCart, type CartPricingRequest } from './pricing';
import { PricingError, pricingErrorKinds, type PricingErrorReason } from './pricing-error';
import { shippedCatalog } from './shipped-catalog';
import { legalMentions } from './tax';

const eur = (value: number) => money(value, 'EUR');
const march2025 = Temporal.PlainDate.from('2025-03-10');

function request(overrides: Partial<CartPricingRequest> = {}): CartPricingRequest {
  return {
    subsidiary: 'FR',
    items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }],
    customer: { country: 'FR' },
    date: march2025,
    ...overrides,
  };
}

function rejection(overrides: Partial<CartPricingRequest>): Pick<PricingError, 'reason' | 'kind' | 'itemIndex'> | undefined {
  try {
    priceCart(shippedCatalog, request(overrides));
  } catch (error) {
    if (error instanceof PricingError) return { reason: error.reason, kind: error.kind, itemIndex: error.itemIndex };
    throw error;
  }
  return undefined;
}

describe('priceCart', () => {
  it('prices a French consumer\'s cart: unit prices, line totals, VAT per rate, totals', () => {
    const cart = priceCart(
      shippedCatalog,
      request({
        items: [
          { planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 },
          { planCode: 'dedicated-rise-1', period: 'P1M', quantity: 2 },
        ],
      }),
    );
    expect(cart).toEqual({
      subsidiary: 'FR',
      currency: 'EUR',
      pricingDate: '2025-03-10',
      catalogVersion: '2025.1',
      lines: [
        { planCode: 'web-hosting-pro', universe: 'web', label: 'Web Hosting Pro', period: 'P1Y', quantity: 1, unitPrice: eur(8199), lineTotal: eur(8199), taxRate: 2000 },
        { planCode: 'dedicated-rise-1', universe: 'dedicated', label: 'Rise-1', period: 'P1M', quantity: 2, unitPrice: eur(5999), lineTotal: eur(11998), taxRate: 2000 },
      ],
      tax: expect.objectContaining({ treatment: 'standard', rate: 2000, taxCountry: 'FR' }),
      taxPerRate: [{ rate: 2000, taxBase: eur(20197), tax: eur(4039) }], // 40.394
      totalExcludingTax: eur(20197),
      totalTax: eur(4039),
      totalIncludingTax: eur(24236),
    });
  });

  it('rounds VAT once per invoice, not per line: 3 × 2.99 EUR at 20 % is 1.79, not 1.80', () => {
    const starter = { planCode: 'web-hosting-starter', period: 'P1M', quantity: 1 };
    const cart = priceCart(shippedCatalog, request({ items: [starter, starter, starter] }));
    expect(cart.totalExcludingTax).toEqual(eur(897));
    expect(cart.totalTax).toEqual(eur(179));
  });

  it('uses the catalog version in force on the order date', () => {
    const item = { planCode: 'web-hosting-starter', period: 'P1M', quantity: 1 };
    expect(priceCart(shippedCatalog, request({ items: [item], date: Temporal.PlainDate.from('2026-05-31') })).lines[0].unitPrice).toEqual(eur(299));
    const after = priceCart(shippedCatalog, request({ items: [item], date: Temporal.PlainDate.from('2026-06-01') }));
    expect(after.lines[0].unitPrice).toEqual(eur(349));
    expect(after.catalogVersion).toBe('2026.1');
  });

  it('charges an EU consumer the VAT of the consumer\'s country', () => {
    const cart = priceCart(shippedCatalog, request({ subsidiary: 'DE', customer: { country: 'FI' } }));
    expect(cart.tax).toMatchObject({ treatment: 'standard', rate: 2550, taxCountry: 'FI' });
    expect(cart.totalTax).toEqual(eur(2091)); // 81.99 × 25.5 % = 20.90745
  });

  it('reverse-charges a business in another member state: no VAT, with the legal mention', () => {
    const cart = priceCart(shippedCatalog, request({ subsidiary: 'DE', customer: { country: 'FR', vatNumber: 'FR63921846307' } }));
    expect(cart.tax).toEqual({ treatment: 'reverseCharge', rate: 0, taxCountry: 'FR', customerVatNumber: 'FR63921846307', legalMention: legalMentions.euReverseCharge });
    expect(cart.totalTax).toEqual(eur(0));
    expect(cart.totalIncludingTax).toEqual(cart.totalExcludingTax);
  });

  it('prices in the subsidiary\'s currency (CZK, PLN, GBP, USD)', () => {
    const cz = priceCart(shippedCatalog, request({ subsidiary: 'CZ', customer: { country: 'CZ' }, items: [{ planCode: 'web-hosting-starter', period: 'P1M', quantity: 2 }] }));
    expect(cz.totalExcludingTax).toEqual(money(15000, 'CZK'));
    expect(cz.totalTax).toEqual(money(3150, 'CZK'));
    const pl = priceCart(shippedCatalog, request({ subsidiary: 'PL', customer: { country: 'PL' } }));
    expect(pl.currency).toBe('PLN');
    expect(pl.tax.rate).toBe(2300);
    const gb = priceCart(shippedCatalog, request({ subsidiary: 'GB', customer: { country: 'GB' } }));
    expect(gb.totalExcludingTax.currency).toBe('GBP');
    const us = priceCart(shippedCatalog, request({ subsidiary: 'US', customer: { country: 'US' } }));
    expect(us.tax.treatment).toBe('salesTaxNotComputed');
    expect(us.totalTax).toEqual(money(0, 'USD'));
  });

  it('returns plain data that can be stored in an event as is', () => {
    const cart = priceCart(shippedCatalog, request());
    expect(JSON.parse(JSON.stringify(cart))).toEqual(cart);
  });
});

describe('priceCart rejections', () => {
  const item = (overrides: object) => [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1, ...overrides }];

  it.each<[string, Partial<CartPricingRequest>, PricingErrorReason, number | undefined]>([
    ['a subsidiary that is not ours', { subsidiary: 'BE' }, 'UNKNOWN_SUBSIDIARY', undefined],
    ['an empty cart', { items: [] }, 'EMPTY_CART', undefined],
    ['a zero quantity', { items: item({ quantity: 0 }) }, 'INVALID_QUANTITY', 0],
    ['a fractional quantity', { items: item({ quantity: 1.5 }) }, 'INVALID_QUANTITY', 0],
    ['a quantity above the maximum', { items: item({ quantity: maxQuantityPerItem + 1 }) }, 'INVALID_QUANTITY', 0],
    ['an unknown plan', { items: [...item({}), ...item({ planCode: 'web-hosting-platinum' })] }, 'UNKNOWN_PLAN', 1],
    ['a period the plan does not allow', { items: item({ period: 'P3Y' }) }, 'PERIOD_NOT_ALLOWED', 0],
    ['a period that does not exist', { items: item({ period: 'P12M' }) }, 'PERIOD_NOT_ALLOWED', 0],
    ['telecom outside France', { subsidiary: 'DE', customer: {}, items: item({ planCode: 'telecom-voip-line-solo', period: 'P1M' }) }, 'PLAN_NOT_SOLD_IN_SUBSIDIARY', 0],
    ['a plan not sold in the subsidiary', { subsidiary: 'LT', customer: {}, items: item({ planCode: 'cloud-instance-b3-8', period: 'P1M' }) }, 'PLAN_NOT_SOLD_IN_SUBSIDIARY', 0],
    ['a date before any catalog version', { date: Temporal.PlainDate.from('2024-12-31') }, 'NO_CATALOG_VERSION', undefined],
    ['a malformed VAT number', { customer: { country: 'DE', vatNumber: 'DE123' } }, 'INVALID_VAT_NUMBER', undefined],
    ['a country that is not ISO 3166-1', { customer: { country: 'UK' } }, 'UNKNOWN_COUNTRY', undefined],
  ])('%s → %s', (_case, overrides, reason, itemIndex) => {
    expect(rejection(overrides)).toEqual({ reason, kind: pricingErrorKinds[reason], itemIndex });
  });

  it('refuses a consumer country whose rate the table does not know on that date', () => {
    const file = {
      version: 'old',
      effectiveFrom: '2024-01-01',
      universes: [{ universe: 'web', soldIn: ['FR'] }],
      plans: [{ planCode: 'p', universe: 'web', product: 'x', label: 'x', soldIn: ['FR'], allowedPeriods: ['P1M'], prices: { FR: { currency: 'EUR', amounts: { P1M: 100 } } } }],
    };
    const run = () => priceCart(loadCatalog([file]), request({ customer: { country: 'BE' }, items: [{ planCode: 'p', period: 'P1M', quantity: 1 }], date: Temporal.PlainDate.from('2024-06-01') }));
    expect(run).toThrow(expect.objectContaining({ reason: 'VAT_RATE_NOT_FOUND', kind: 'notSellable' }));
  });

  it('classifies every reason as a malformed request (400) or something we do not sell (422)', () => {
    expect(pricingErrorKinds).toEqual({
      UNKNOWN_SUBSIDIARY: 'invalidRequest',
      INVALID_QUANTITY: 'invalidRequest',
      EMPTY_CART: 'invalidRequest',
      INVALID_VAT_NUMBER: 'invalidRequest',
      UNKNOWN_COUNTRY: 'invalidRequest',
      UNKNOWN_PLAN: 'notSellable',
      PLAN_NOT_SOLD_IN_SUBSIDIARY: 'notSellable',
      PERIOD_NOT_ALLOWED: 'notSellable',
      NO_CATALOG_VERSION: 'notSellable',
      VAT_RATE_NOT_FOUND: 'notSellable',
    });
    const error = new PricingError('UNKNOWN_PLAN', 'item 2: plan x is not in the catalog', 2);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'PricingError', reason: 'UNKNOWN_PLAN', kind: 'notSellable', itemIndex: 2 });
  });
});
