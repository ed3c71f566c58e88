import { shippedCatalog } from '@billing/billing-kernel';
import { Temporal } from 'temporal-polyfill';
import { OrderPricingRefused, priceOrder, type OrderRequest } from './order-pricing';

// catalog 2026.1 is in force in July 2026
const at = Temporal.Instant.from('2026-07-01T10:00:00Z');
let ids = 0;
const newItemId = () => `item-${++ids}`;
const price = (request: OrderRequest) => priceOrder(shippedCatalog, request, at, newItemId);

function refusalOf(request: OrderRequest): OrderPricingRefused {
  try {
    price(request);
  } catch (error) {
    if (error instanceof OrderPricingRefused) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('pricing an order', () => {
  it('prices items and their options as one cart, the tax computed once over the order', () => {
    const priced = price({
      subsidiary: 'FR',
      items: [
        { planCode: 'cloud-instance-b3-16', period: 'P1M', quantity: 2, options: [{ planCode: 'cloud-block-storage-1tb', quantity: 3 }] },
        { planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 },
      ],
    });
    expect(priced).toMatchObject({ subsidiary: 'FR', currency: 'EUR', catalogVersion: '2026.1', pricingDate: '2026-07-01' });
    expect(priced.items).toHaveLength(2);
    expect(priced.items[0]).toMatchObject({
      planCode: 'cloud-instance-b3-16',
      universe: 'cloud',
      unitPrice: { currency: 'EUR', value: 7799 },
      lineTotal: { currency: 'EUR', value: 15598 },
      options: [{ planCode: 'cloud-block-storage-1tb', quantity: 3, unitPrice: { currency: 'EUR', value: 4400 }, lineTotal: { currency: 'EUR', value: 13200 } }],
    });
    // 15598 + 13200 + 8199 = 36997 at 20 % = 7399.4 → 7399
    expect(priced.totals).toEqual({ withoutTax: { currency: 'EUR', value: 36997 }, tax: { currency: 'EUR', value: 7399 }, withTax: { currency: 'EUR', value: 44396 } });
    expect(new Set(priced.items.map((item) => item.itemId)).size).toBe(2);
  });

  it('carries the engagement an item is ordered with when its plan offers it, and refuses one it does not offer', () => {
    const engaged = price({ subsidiary: 'FR', items: [{ planCode: 'dedicated-advance-2', period: 'P1M', quantity: 1, engagement: 'P1Y' }, { planCode: 'web-hosting-pro', period: 'P1M', quantity: 1 }] });
    expect(engaged.items.map((item) => item.engagementDuration)).toEqual(['P1Y', undefined]);

    const notOffered = refusalOf({ subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity: 1 }, { planCode: 'dedicated-advance-2', period: 'P1M', quantity: 1, engagement: 'P2Y' }] });
    expect(notOffered).toMatchObject({ reason: 'ENGAGEMENT_NOT_OFFERED', kind: 'notSellable', details: { field: 'items[1].engagement' } });
    expect(notOffered.message).toContain('the engagements P1Y, not P2Y');
    expect(refusalOf({ subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity: 1, engagement: 'P1Y' }] }).message).toContain('offers no engagement');
  });

  it("taxes a business of another member state with the reverse charge", () => {
    const priced = price({ subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }], customer: { country: 'DE', vatNumber: 'DE811569869' } });
    expect(priced.tax).toMatchObject({ treatment: 'reverseCharge', rate: 0 });
    expect(priced.totals.tax.value).toBe(0);
  });

  it.each<[string, OrderRequest, string, string, string | undefined]>([
    ['an unknown subsidiary', { subsidiary: 'ZZ', items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }] }, 'UNKNOWN_SUBSIDIARY', 'invalidRequest', 'subsidiary'],
    ['an unknown plan', { subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }, { planCode: 'no-such-plan', period: 'P1M', quantity: 1 }] }, 'UNKNOWN_PLAN', 'notSellable', 'items[1]'],
    ['a period the plan does not allow', { subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P3Y', quantity: 1 }] }, 'PERIOD_NOT_ALLOWED', 'notSellable', 'items[0]'],
    ['telecom outside France', { subsidiary: 'DE', items: [{ planCode: 'telecom-voip-line-solo', period: 'P1M', quantity: 1 }] }, 'PLAN_NOT_SOLD_IN_SUBSIDIARY', 'notSellable', 'items[0]'],
    ['a quantity above the cart limit', { subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1001 }] }, 'INVALID_QUANTITY', 'invalidRequest', 'items[0]'],
    ['an option the catalog does not know', { subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1, options: [{ planCode: 'no-such-option', quantity: 1 }] }] }, 'UNKNOWN_PLAN', 'notSellable', 'items[0].options[0]'],
    ['a malformed VAT number', { subsidiary: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }], customer: { country: 'DE', vatNumber: 'nonsense' } }, 'INVALID_VAT_NUMBER', 'invalidRequest', 'customer.vatNumber'],
  ])('refuses %s with the kernel reason and the field at fault', (_label, request, reason, kind, field) => {
    const refusal = refusalOf(request);
    expect(refusal).toMatchObject({ reason, kind });
    expect(refusal.details?.field).toBe(field);
  });
});
