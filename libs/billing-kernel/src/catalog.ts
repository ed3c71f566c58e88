// What we sell: universes, plans and their prices per subsidiary and period, in dated versions.
// A catalog is loaded from data files and checked as a whole; an inconsistent file stops the
// load with a message naming the entry, so a bad price never reaches a customer.
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { isPeriod, monthsInPeriod, periods, termEnd, type Period } from './calendar';
import { isCurrencyCode, type CurrencyCode } from './currency';
import { money, MoneyError, type Money } from './money';
import { PricingError } from './pricing-error';
import { isSubsidiaryCode, subsidiary, type SubsidiaryCode } from './subsidiaries';

export const universes = ['web', 'dedicated', 'cloud', 'telecom'] as const;

export type Universe = (typeof universes)[number];

/** The bill category of an order for a plan of this universe (renewals are `autorenew`). */
export type PurchaseBillCategory = 'purchase-web' | 'purchase-servers' | 'purchase-cloud' | 'purchase-telecom';

const purchaseBillCategories: Readonly<Record<Universe, PurchaseBillCategory>> = {
  web: 'purchase-web',
  dedicated: 'purchase-servers',
  cloud: 'purchase-cloud',
  telecom: 'purchase-telecom',
};

export function purchaseBillCategory(universe: Universe): PurchaseBillCategory {
  return purchaseBillCategories[universe];
}

/**
 * What happens when the customer asks to terminate before `engagedUpTo`:
 * `refuseEarlyTermination` — refused until the engagement ends;
 * `billRemainingEngagement` — accepted, and the terms left until the engagement's end are billed.
 */
export type EngagementEndRule = 'refuseEarlyTermination' | 'billRemainingEngagement';

export type EngagementOption = Readonly<{ duration: Period; endRule: EngagementEndRule }>;

/** A plan's prices in one subsidiary: integer minor units per period. */
export type SubsidiaryPrices = Readonly<{ currency: CurrencyCode; amounts: Readonly<Partial<Record<Period, number>>> }>;

export type Plan = Readonly<{
  planCode: string;
  universe: Universe;
  product: string;
  label: string;
  soldIn: readonly SubsidiaryCode[];
  allowedPeriods: readonly Period[];
  engagements: readonly EngagementOption[];
  /** existing services keep the price they pay while this version is in force */
  grandfathered: boolean;
  prices: Readonly<Partial<Record<SubsidiaryCode, SubsidiaryPrices>>>;
}>;

export type CatalogVersion = Readonly<{
  version: string;
  /** first day (in each subsidiary's calendar) orders and renewals use this version */
  effectiveFrom: Temporal.PlainDate;
  universes: readonly Readonly<{ universe: Universe; soldIn: readonly SubsidiaryCode[] }>[];
  plans: readonly Plan[];
}>;

/** All versions, oldest first. */
export type Catalog = Readonly<{ versions: readonly CatalogVersion[] }>;

/** The catalog files are inconsistent; `problems` names every faulty entry. */
export class CatalogError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`catalog rejected:\n- ${problems.join('\n- ')}`);
    this.name = 'CatalogError';
  }
}

const isoDate = z.string().refine((text) => {
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' }).toString() === text;
  } catch {
    return false;
  }
}, 'expected a YYYY-MM-DD date');

const catalogFileSchema = z
  .object({
    version: z.string().min(1),
    effectiveFrom: isoDate,
    universes: z.array(z.object({ universe: z.enum(universes), soldIn: z.array(z.string()) }).strict()),
    plans: z.array(
      z
        .object({
          planCode: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes'),
          universe: z.enum(universes),
          product: z.string().min(1),
          label: z.string().min(1),
          soldIn: z.array(z.string()).min(1),
          allowedPeriods: z.array(z.enum(periods)).min(1),
          engagements: z
            .array(z.object({ duration: z.enum(periods), endRule: z.enum(['refuseEarlyTermination', 'billRemainingEngagement']) }).strict())
            .default([]),
          grandfathered: z.boolean().default(false),
          // keys and currencies stay strings here so the consistency check can name them
          prices: z.record(z.string(), z.object({ currency: z.string(), amounts: z.record(z.string(), z.int().nonnegative()) }).strict()),
        })
        .strict(),
    ),
  })
  .strict();

type CatalogFile = z.infer<typeof catalogFileSchema>;

/** "plans.3.prices.FR" → "plan web-hosting-pro, prices.FR", so the message names the entry. */
function describeIssuePath(raw: unknown, path: readonly PropertyKey[]): string {
  const [first, index, ...rest] = path;
  if (first === 'plans' && typeof index === 'number') {
    const planCode = (raw as { plans?: { planCode?: unknown }[] }).plans?.[index]?.planCode;
    const plan = typeof planCode === 'string' ? `plan ${planCode}` : `plans[${index}]`;
    return rest.length > 0 ? `${plan}, ${rest.map(String).join('.')}` : plan;
  }
  return path.map(String).join('.') || '(file)';
}

function fileName(raw: unknown, position: number): string {
  const version = (raw as { version?: unknown } | null)?.version;
  return typeof version === 'string' ? `catalog ${version}` : `catalog file #${position + 1}`;
}

function checkConsistency(file: CatalogFile): string[] {
  const problems: string[] = [];
  const at = `catalog ${file.version}`;
  const universeSoldIn = new Map<Universe, ReadonlySet<string>>();
  for (const { universe, soldIn } of file.universes) {
    if (universeSoldIn.has(universe)) problems.push(`${at}, universe ${universe}: declared twice`);
    soldIn.filter((code) => !isSubsidiaryCode(code)).forEach((code) => problems.push(`${at}, universe ${universe}: unknown subsidiary ${code}`));
    universeSoldIn.set(universe, new Set(soldIn));
  }
  const planCodes = new Set<string>();
  for (const plan of file.plans) {
    const where = `${at}, plan ${plan.planCode}`;
    if (planCodes.has(plan.planCode)) problems.push(`${where}: planCode used twice`);
    planCodes.add(plan.planCode);
    if (new Set(plan.allowedPeriods).size !== plan.allowedPeriods.length) problems.push(`${where}: a period is allowed twice`);
    const universeSubsidiaries = universeSoldIn.get(plan.universe);
    if (!universeSubsidiaries) problems.push(`${where}: universe ${plan.universe} is not declared`);
    const allowed: readonly string[] = plan.allowedPeriods;

    for (const code of plan.soldIn) {
      if (!isSubsidiaryCode(code)) {
        problems.push(`${where}: sold in unknown subsidiary ${code}`);
        continue;
      }
      if (universeSubsidiaries && !universeSubsidiaries.has(code)) {
        problems.push(`${where}: sold in ${code}, where universe ${plan.universe} is not sold`);
      }
      const prices = plan.prices[code];
      if (!prices) {
        problems.push(`${where}: sold in ${code} but has no price there`);
        continue;
      }
      const priceAt = `${where}, price in ${code}`;
      if (!isCurrencyCode(prices.currency)) problems.push(`${priceAt}: unknown currency ${prices.currency}`);
      else if (prices.currency !== subsidiary(code).currency) {
        problems.push(`${priceAt}: in ${prices.currency}, but ${code} sells in ${subsidiary(code).currency}`);
      }
      allowed.filter((period) => prices.amounts[period] === undefined).forEach((period) => problems.push(`${priceAt}: no price for ${period}`));
      Object.keys(prices.amounts)
        .filter((period) => !allowed.includes(period))
        .forEach((period) => problems.push(`${priceAt}: price for ${period}, a period the plan does not allow`));
    }
    Object.keys(plan.prices)
      .filter((code) => !plan.soldIn.includes(code))
      .forEach((code) => problems.push(`${where}: has a price in ${code}, which is not in its soldIn`));

    // an engagement must end on a term boundary, whatever allowed period the service uses
    const shortestTermMonths = Math.min(...plan.allowedPeriods.map(monthsInPeriod));
    plan.engagements
      .filter(({ duration }) => monthsInPeriod(duration) % shortestTermMonths !== 0)
      .forEach(({ duration }) => problems.push(`${where}: engagement ${duration} is not a whole number of its shortest term`));
  }
  return problems;
}

function toCatalogVersion(file: CatalogFile): CatalogVersion {
  return {
    version: file.version,
    effectiveFrom: Temporal.PlainDate.from(file.effectiveFrom),
    universes: file.universes as CatalogVersion['universes'],
    plans: file.plans as unknown as readonly Plan[],
  };
}

/**
 * Validates and assembles catalog files (parsed JSON, one per version). Throws CatalogError
 * listing every problem: malformed data, a plan without a price in a subsidiary that sells it,
 * an unknown currency, a price for a period the plan does not allow, a telecom plan outside FR…
 */
export function loadCatalog(files: readonly unknown[]): Catalog {
  const problems: string[] = [];
  const valid: CatalogFile[] = [];
  files.forEach((raw, position) => {
    const parsed = catalogFileSchema.safeParse(raw);
    if (!parsed.success) {
      parsed.error.issues.forEach((issue) =>
        problems.push(`${fileName(raw, position)}, ${describeIssuePath(raw, issue.path)}: ${issue.message}`),
      );
      return;
    }
    problems.push(...checkConsistency(parsed.data));
    valid.push(parsed.data);
  });
  if (files.length === 0) problems.push('no catalog version');
  const versions = valid.map(toCatalogVersion).sort((a, b) => Temporal.PlainDate.compare(a.effectiveFrom, b.effectiveFrom));
  versions.forEach((version, position) => {
    const previous = versions[position - 1];
    if (previous && previous.effectiveFrom.equals(version.effectiveFrom)) {
      problems.push(`catalog ${version.version}: same effective date as catalog ${previous.version}`);
    }
    if (versions.findIndex((other) => other.version === version.version) !== position) {
      problems.push(`catalog ${version.version}: version declared twice`);
    }
  });
  if (problems.length > 0) throw new CatalogError(problems);
  return { versions };
}

/** The version in force on a date: the latest one whose effective date is on or before it. */
export function catalogVersionOn(catalog: Catalog, date: Temporal.PlainDate): CatalogVersion {
  const inForce = catalog.versions.filter((version) => Temporal.PlainDate.compare(version.effectiveFrom, date) <= 0).at(-1);
  if (!inForce) throw new PricingError('NO_CATALOG_VERSION', `no catalog version is in force on ${date.toString()}`);
  return inForce;
}

export function findPlan(version: CatalogVersion, planCode: string): Plan | undefined {
  return version.plans.find((plan) => plan.planCode === planCode);
}

/** The plans a subsidiary sells on a date. */
export function plansSoldIn(catalog: Catalog, subsidiaryCode: SubsidiaryCode, date: Temporal.PlainDate): readonly Plan[] {
  return catalogVersionOn(catalog, date).plans.filter((plan) => plan.soldIn.includes(subsidiaryCode));
}

/** The plan's price in a version, or the reason it has none. */
function priceInVersion(plan: Plan, subsidiaryCode: SubsidiaryCode, period: string): Money | PricingError {
  const prices = plan.prices[subsidiaryCode];
  if (!plan.soldIn.includes(subsidiaryCode) || !prices) {
    return new PricingError('PLAN_NOT_SOLD_IN_SUBSIDIARY', `plan ${plan.planCode} is not sold in ${subsidiaryCode}`);
  }
  const amount = isPeriod(period) && plan.allowedPeriods.includes(period) ? prices.amounts[period] : undefined;
  if (amount === undefined) {
    return new PricingError('PERIOD_NOT_ALLOWED', `plan ${plan.planCode} does not allow ${period} (allowed: ${plan.allowedPeriods.join(', ')})`);
  }
  return money(amount, prices.currency);
}

export type PlanPriceQuery = Readonly<{ planCode: string; subsidiary: SubsidiaryCode; period: string; date: Temporal.PlainDate }>;

/** The catalog price of one term of a plan for a new order on `date`. Throws PricingError. */
export function planPrice(catalog: Catalog, query: PlanPriceQuery): Money {
  const plan = findPlan(catalogVersionOn(catalog, query.date), query.planCode);
  if (!plan) throw new PricingError('UNKNOWN_PLAN', `plan ${query.planCode} is not in the catalog on ${query.date.toString()}`);
  const price = priceInVersion(plan, query.subsidiary, query.period);
  if (price instanceof PricingError) throw price;
  return price;
}

export type RenewalPriceQuery = Readonly<{
  planCode: string;
  subsidiary: SubsidiaryCode;
  period: Period;
  /** what the service pays for one term today */
  currentPrice: Money;
  /** the first day of the new term (the current expiration date) */
  renewalDate: Temporal.PlainDate;
}>;

/**
 * The price of the term starting on `renewalDate`. A service keeps its price until its first
 * renewal on or after a new version's effective date, then pays that version's price — unless
 * the plan is grandfathered in that version, in which case it keeps its current price. A plan
 * withdrawn from sale keeps renewing at its last catalog price. Throws PricingError.
 */
export function renewalPrice(catalog: Catalog, query: RenewalPriceQuery): Money {
  const expected = subsidiary(query.subsidiary).currency;
  if (query.currentPrice.currency !== expected) {
    throw new MoneyError('CURRENCY_MISMATCH', `a ${query.subsidiary} service is priced in ${expected}, not ${query.currentPrice.currency}`);
  }
  catalogVersionOn(catalog, query.renewalDate); // throws NO_CATALOG_VERSION before the first version
  let reason: PricingError | undefined;
  const versionsInForce = catalog.versions.filter((version) => Temporal.PlainDate.compare(version.effectiveFrom, query.renewalDate) <= 0);
  for (const version of [...versionsInForce].reverse()) {
    const plan = findPlan(version, query.planCode);
    if (!plan) continue;
    const price = priceInVersion(plan, query.subsidiary, query.period);
    if (price instanceof PricingError) {
      reason ??= price;
      continue;
    }
    return plan.grandfathered ? query.currentPrice : price;
  }
  throw reason ?? new PricingError('UNKNOWN_PLAN', `plan ${query.planCode} is in no catalog version in force on ${query.renewalDate.toString()}`);
}

/** The date an engagement taken on `start` ends (`engagedUpTo`), anchored like a term. */
export function engagementEndDate(start: Temporal.PlainDate, engagement: EngagementOption): Temporal.PlainDate {
  return termEnd(start, engagement.duration, 1);
}
