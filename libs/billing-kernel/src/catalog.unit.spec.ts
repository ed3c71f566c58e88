import { Temporal } from 'temporal-polyfill';
import {
  CatalogError,
  catalogVersionOn,
  engagementEndDate,
  findPlan,
  loadCatalog,
  planPrice,
  plansSoldIn,
  purchaseBillCategory,
  renewalPrice,
  universes,
  type Catalog,
} from './catalog';
import { money, MoneyError } from './money';
import { PricingError } from './pricing-error';
import { catalogFiles, shippedCatalog } from './shipped-catalog';

const date = (text: string) => Temporal.PlainDate.from(text);
const eur = (value: number) => money(value, 'EUR');

/** A small valid catalog file; each test breaks one thing. */
function catalogFile(overrides: Record<string, unknown> = {}, planOverrides: Record<string, unknown> = {}) {
  return {
    version: '2025.1',
    effectiveFrom: '2025-01-01',
    universes: [
      { universe: 'web', soldIn: ['FR', 'DE'] },
      { universe: 'telecom', soldIn: ['FR'] },
    ],
    plans: [
      {
        planCode: 'web-hosting-starter',
        universe: 'web',
        product: 'web-hosting',
        label: 'Starter',
        soldIn: ['FR', 'DE'],
        allowedPeriods: ['P1M', 'P1Y'],
        prices: {
          FR: { currency: 'EUR', amounts: { P1M: 299, P1Y: 3099 } },
          DE: { currency: 'EUR', amounts: { P1M: 299, P1Y: 3099 } },
        },
        ...planOverrides,
      },
    ],
    ...overrides,
  };
}

function problemsOf(files: unknown[]): readonly string[] {
  try {
    loadCatalog(files);
  } catch (error) {
    if (error instanceof CatalogError) return error.problems;
    throw error;
  }
  return [];
}

function pricingReason(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof PricingError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('the shipped catalog', () => {
  it('loads from the versioned data files, oldest version first', () => {
    expect(catalogFiles).toHaveLength(2);
    expect(shippedCatalog.versions.map(({ version, effectiveFrom }) => `${version} ${effectiveFrom.toString()}`)).toEqual([
      '2025.1 2025-01-01',
      '2026.1 2026-06-01',
    ]);
  });

  it('sells at least three plans in every universe, across at least six subsidiaries', () => {
    for (const version of shippedCatalog.versions) {
      for (const universe of universes) {
        expect(version.plans.filter((plan) => plan.universe === universe).length).toBeGreaterThanOrEqual(3);
      }
      expect(new Set(version.plans.flatMap((plan) => plan.soldIn)).size).toBeGreaterThanOrEqual(6);
    }
  });

  it('sells telecom in France only', () => {
    for (const version of shippedCatalog.versions) {
      version.plans.filter((plan) => plan.universe === 'telecom').forEach((plan) => expect(plan.soldIn).toEqual(['FR']));
    }
    expect(plansSoldIn(shippedCatalog, 'FR', date('2025-03-01')).some((plan) => plan.universe === 'telecom')).toBe(true);
    expect(plansSoldIn(shippedCatalog, 'DE', date('2025-03-01')).some((plan) => plan.universe === 'telecom')).toBe(false);
    expect(plansSoldIn(shippedCatalog, 'LT', date('2025-03-01')).some((plan) => plan.universe === 'cloud')).toBe(false);
  });
});

describe('loading rejects an inconsistent catalog, naming the entry', () => {
  it('accepts the small valid file', () => {
    expect(problemsOf([catalogFile()])).toEqual([]);
  });

  it.each([
    [
      'a plan without a price in a subsidiary that sells it',
      catalogFile({}, { prices: { FR: { currency: 'EUR', amounts: { P1M: 299, P1Y: 3099 } } } }),
      'catalog 2025.1, plan web-hosting-starter: sold in DE but has no price there',
    ],
    [
      'an unknown currency',
      catalogFile({}, { prices: { FR: { currency: 'EUX', amounts: { P1M: 299, P1Y: 3099 } }, DE: { currency: 'EUR', amounts: { P1M: 299, P1Y: 3099 } } } }),
      'catalog 2025.1, plan web-hosting-starter, price in FR: unknown currency EUX',
    ],
    [
      'a price in another currency than the subsidiary\'s',
      catalogFile({}, { prices: { FR: { currency: 'GBP', amounts: { P1M: 299, P1Y: 3099 } }, DE: { currency: 'EUR', amounts: { P1M: 299, P1Y: 3099 } } } }),
      'catalog 2025.1, plan web-hosting-starter, price in FR: in GBP, but FR sells in EUR',
    ],
    [
      'a price for a period the plan does not allow',
      catalogFile({}, { allowedPeriods: ['P1M'] }),
      'catalog 2025.1, plan web-hosting-starter, price in FR: price for P1Y, a period the plan does not allow',
    ],
    [
      'an allowed period without a price',
      catalogFile({}, { allowedPeriods: ['P1M', 'P1Y', 'P2Y'] }),
      'catalog 2025.1, plan web-hosting-starter, price in DE: no price for P2Y',
    ],
    [
      'a telecom plan outside France',
      catalogFile({}, { universe: 'telecom' }),
      'catalog 2025.1, plan web-hosting-starter: sold in DE, where universe telecom is not sold',
    ],
    [
      'an unknown subsidiary',
      catalogFile({}, { soldIn: ['FR', 'DE', 'XX'] }),
      'catalog 2025.1, plan web-hosting-starter: sold in unknown subsidiary XX',
    ],
    [
      'a price in a subsidiary that does not sell the plan',
      catalogFile({}, { soldIn: ['FR'] }),
      'catalog 2025.1, plan web-hosting-starter: has a price in DE, which is not in its soldIn',
    ],
    [
      'an engagement that does not end on a term boundary',
      catalogFile({}, { allowedPeriods: ['P1Y'], prices: { FR: { currency: 'EUR', amounts: { P1Y: 3099 } }, DE: { currency: 'EUR', amounts: { P1Y: 3099 } } }, engagements: [{ duration: 'P6M', endRule: 'refuseEarlyTermination' }] }),
      'catalog 2025.1, plan web-hosting-starter: engagement P6M is not a whole number of its shortest term',
    ],
    [
      'a fractional price',
      catalogFile({}, { prices: { FR: { currency: 'EUR', amounts: { P1M: 2.99, P1Y: 3099 } }, DE: { currency: 'EUR', amounts: { P1M: 299, P1Y: 3099 } } } }),
      expect.stringMatching(/^catalog 2025\.1, plan web-hosting-starter, prices\.FR\.amounts\.P1M: .*int/i),
    ],
    [
      'a period that does not exist',
      catalogFile({}, { allowedPeriods: ['P1M', 'P2M'] }),
      expect.stringMatching(/^catalog 2025\.1, plan web-hosting-starter, allowedPeriods\.1: /),
    ],
    [
      'an impossible effective date',
      catalogFile({ effectiveFrom: '2025-02-30' }),
      'catalog 2025.1, effectiveFrom: expected a YYYY-MM-DD date',
    ],
    [
      'an unknown field (a typo must not be ignored)',
      catalogFile({}, { grandfatherd: true }),
      expect.stringMatching(/^catalog 2025\.1, plan web-hosting-starter: .*grandfatherd/),
    ],
  ])('%s', (_case, file, expected) => {
    expect(problemsOf([file])).toContainEqual(expected);
  });

  it('rejects a planCode used twice', () => {
    const file = catalogFile();
    const twice = { ...file, plans: [...file.plans, ...file.plans] };
    expect(problemsOf([twice])).toContain('catalog 2025.1, plan web-hosting-starter: planCode used twice');
  });

  it('rejects two versions in force from the same day, and an empty catalog', () => {
    expect(problemsOf([catalogFile(), catalogFile({ version: '2025.2' })])).toContain('catalog 2025.2: same effective date as catalog 2025.1');
    expect(problemsOf([])).toEqual(['no catalog version']);
  });

  it('reports every problem at once, in a message naming each entry', () => {
    const file = catalogFile({}, { soldIn: ['FR', 'DE', 'XX'], allowedPeriods: ['P1M'] });
    expect(() => loadCatalog([file])).toThrow(/^catalog rejected:\n- .*\n- .*\n- .*$/);
    expect(() => loadCatalog([file])).toThrow('plan web-hosting-starter: sold in unknown subsidiary XX');
    expect(() => loadCatalog([file])).toThrow('plan web-hosting-starter, price in DE: price for P1Y, a period the plan does not allow');
  });
});

describe('catalog versions and prices', () => {
  it('uses the latest version in force on the date', () => {
    expect(catalogVersionOn(shippedCatalog, date('2026-05-31')).version).toBe('2025.1');
    expect(catalogVersionOn(shippedCatalog, date('2026-06-01')).version).toBe('2026.1');
    expect(pricingReason(() => catalogVersionOn(shippedCatalog, date('2024-12-31')))).toBe('NO_CATALOG_VERSION');
  });

  it('finds plans by planCode', () => {
    const version = catalogVersionOn(shippedCatalog, date('2026-06-01'));
    expect(findPlan(version, 'cloud-instance-b3-16')?.universe).toBe('cloud');
    expect(findPlan(catalogVersionOn(shippedCatalog, date('2025-06-01')), 'cloud-instance-b3-16')).toBeUndefined();
    expect(findPlan(version, 'nope')).toBeUndefined();
  });

  it('prices one term of a plan in a subsidiary on a date', () => {
    const query = { planCode: 'web-hosting-starter', subsidiary: 'FR', period: 'P1M' } as const;
    expect(planPrice(shippedCatalog, { ...query, date: date('2025-03-01') })).toEqual(eur(299));
    expect(planPrice(shippedCatalog, { ...query, date: date('2026-06-01') })).toEqual(eur(349));
    expect(planPrice(shippedCatalog, { ...query, subsidiary: 'CZ', date: date('2025-03-01') })).toEqual(money(7500, 'CZK'));
    expect(planPrice(shippedCatalog, { ...query, subsidiary: 'PL', period: 'P1Y', date: date('2025-03-01') })).toEqual(money(13399, 'PLN'));
  });

  it('says why it cannot price', () => {
    const on = date('2025-03-01');
    expect(pricingReason(() => planPrice(shippedCatalog, { planCode: 'nope', subsidiary: 'FR', period: 'P1M', date: on }))).toBe('UNKNOWN_PLAN');
    expect(pricingReason(() => planPrice(shippedCatalog, { planCode: 'telecom-voip-line-solo', subsidiary: 'DE', period: 'P1M', date: on }))).toBe('PLAN_NOT_SOLD_IN_SUBSIDIARY');
    expect(pricingReason(() => planPrice(shippedCatalog, { planCode: 'web-hosting-starter', subsidiary: 'FR', period: 'P3Y', date: on }))).toBe('PERIOD_NOT_ALLOWED');
    expect(pricingReason(() => planPrice(shippedCatalog, { planCode: 'web-hosting-starter', subsidiary: 'FR', period: 'P2M', date: on }))).toBe('PERIOD_NOT_ALLOWED');
  });

  it.each([
    ['web', 'purchase-web'],
    ['dedicated', 'purchase-servers'],
    ['cloud', 'purchase-cloud'],
    ['telecom', 'purchase-telecom'],
  ] as const)('bills an order in universe %s as %s', (universe, category) => {
    expect(purchaseBillCategory(universe)).toBe(category);
  });

  it('ends an engagement like a term, from its start', () => {
    expect(engagementEndDate(date('2025-01-31'), { duration: 'P1Y', endRule: 'refuseEarlyTermination' })).toEqual(date('2026-01-31'));
    expect(engagementEndDate(date('2024-02-29'), { duration: 'P1Y', endRule: 'billRemainingEngagement' })).toEqual(date('2025-02-28'));
    expect(engagementEndDate(date('2025-01-31'), { duration: 'P1M', endRule: 'billRemainingEngagement' })).toEqual(date('2025-02-28'));
  });
});

describe('renewal price after a catalog change', () => {
  const renewal = (planCode: string, currentPrice: number, renewalDate: string, catalog: Catalog = shippedCatalog) =>
    renewalPrice(catalog, { planCode, subsidiary: 'FR', period: 'P1M', currentPrice: eur(currentPrice), renewalDate: date(renewalDate) });

  it('keeps the current price for renewals before the new version\'s date', () => {
    expect(renewal('web-hosting-starter', 299, '2026-05-31')).toEqual(eur(299));
  });

  it('charges the new price from the first renewal on or after the new version\'s date', () => {
    expect(renewal('web-hosting-starter', 299, '2026-06-01')).toEqual(eur(349));
    expect(renewal('web-hosting-starter', 299, '2026-07-15')).toEqual(eur(349));
  });

  it('keeps the current price of a grandfathered plan, while new orders pay the new one', () => {
    expect(renewal('dedicated-ks-1', 899, '2026-07-01')).toEqual(eur(899));
    expect(planPrice(shippedCatalog, { planCode: 'dedicated-ks-1', subsidiary: 'FR', period: 'P1M', date: date('2026-07-01') })).toEqual(eur(1099));
  });

  it('ends grandfathering when a later version no longer grandfathers the plan', () => {
    const v1 = catalogFile();
    const v2 = catalogFile({ version: '2026.1', effectiveFrom: '2026-01-01' }, { grandfathered: true, prices: { FR: { currency: 'EUR', amounts: { P1M: 349, P1Y: 3499 } }, DE: { currency: 'EUR', amounts: { P1M: 349, P1Y: 3499 } } } });
    const v3 = catalogFile({ version: '2027.1', effectiveFrom: '2027-01-01' }, { prices: { FR: { currency: 'EUR', amounts: { P1M: 399, P1Y: 3999 } }, DE: { currency: 'EUR', amounts: { P1M: 399, P1Y: 3999 } } } });
    const catalog = loadCatalog([v1, v2, v3]);
    expect(renewal('web-hosting-starter', 299, '2026-06-01', catalog)).toEqual(eur(299));
    expect(renewal('web-hosting-starter', 299, '2027-01-01', catalog)).toEqual(eur(399));
  });

  it('renews a plan withdrawn from sale at its last catalog price', () => {
    const withdrawn = catalogFile({ version: '2026.1', effectiveFrom: '2026-01-01', plans: [] });
    const catalog = loadCatalog([catalogFile(), withdrawn]);
    expect(pricingReason(() => planPrice(catalog, { planCode: 'web-hosting-starter', subsidiary: 'FR', period: 'P1M', date: date('2026-02-01') }))).toBe('UNKNOWN_PLAN');
    expect(renewal('web-hosting-starter', 299, '2026-02-01', catalog)).toEqual(eur(299));
  });

  it('says why it cannot price a renewal', () => {
    expect(pricingReason(() => renewal('nope', 299, '2026-02-01'))).toBe('UNKNOWN_PLAN');
    expect(pricingReason(() => renewal('web-hosting-starter', 299, '2024-02-01'))).toBe('NO_CATALOG_VERSION');
    expect(
      pricingReason(() =>
        renewalPrice(shippedCatalog, { planCode: 'telecom-voip-line-solo', subsidiary: 'DE', period: 'P1M', currentPrice: eur(199), renewalDate: date('2026-02-01') }),
      ),
    ).toBe('PLAN_NOT_SOLD_IN_SUBSIDIARY');
    expect(
      pricingReason(() =>
        renewalPrice(shippedCatalog, { planCode: 'cloud-instance-b3-8', subsidiary: 'FR', period: 'P1Y', currentPrice: eur(3899), renewalDate: date('2026-02-01') }),
      ),
    ).toBe('PERIOD_NOT_ALLOWED');
    expect(() =>
      renewalPrice(shippedCatalog, { planCode: 'web-hosting-starter', subsidiary: 'FR', period: 'P1M', currentPrice: money(299, 'GBP'), renewalDate: date('2026-02-01') }),
    ).toThrow(MoneyError);
  });
});
