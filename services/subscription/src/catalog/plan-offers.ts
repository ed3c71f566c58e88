// What the catalog says about a service's plan: the renew periods it allows and their prices,
// the plan a customer may move to, the rule of an engagement. Pure functions of the catalog and
// a date (the subsidiary's today), so that commands and views agree.
import {
  catalogVersionOn,
  findPlan,
  monthsInPeriod,
  PricingError,
  type Catalog,
  type EngagementEndRule,
  type Money,
  type Period,
  type Plan,
  type SubsidiaryCode,
} from '@billing/billing-kernel';
import { Temporal } from 'temporal-polyfill';
import type { RenewOffer, TargetPlan } from '../domain/service.decide';

/**
 * The plan as the catalog describes it on `date`: the version in force then, or — for a plan
 * withdrawn from sale — the last version that had it (a service keeps renewing on it).
 */
export function planOn(catalog: Catalog, planCode: string, date: string): Plan | undefined {
  const day = Temporal.PlainDate.from(date);
  const newestFirst = [...catalog.versions].reverse();
  const inForce = newestFirst.filter((version) => Temporal.PlainDate.compare(version.effectiveFrom, day) <= 0);
  for (const version of [...inForce, ...newestFirst]) {
    const plan = findPlan(version, planCode);
    if (plan) return plan;
  }
  return undefined;
}

function priceIn(plan: Plan, subsidiary: SubsidiaryCode, period: Period): Money | undefined {
  const prices = plan.prices[subsidiary];
  const value = prices?.amounts[period];
  return prices && value !== undefined && plan.allowedPeriods.includes(period) ? { currency: prices.currency, value } : undefined;
}

/** The periods the plan allows (`possiblePeriods`) and one term's price for each, in the subsidiary. */
export function renewOfferOf(catalog: Catalog, planCode: string, subsidiary: SubsidiaryCode, date: string): RenewOffer {
  const plan = planOn(catalog, planCode, date);
  if (!plan) return { allowedPeriods: [], prices: {} };
  const prices: Partial<Record<Period, Money>> = {};
  for (const period of plan.allowedPeriods) {
    const price = priceIn(plan, subsidiary, period);
    if (price) prices[period] = price;
  }
  return { allowedPeriods: plan.allowedPeriods.filter((period) => prices[period] !== undefined), prices };
}

/** The plan a service would move to, with the price of the service's period; throws UNKNOWN_PLAN. */
export function targetPlanOf(catalog: Catalog, planCode: string, subsidiary: SubsidiaryCode, period: Period, date: string): TargetPlan {
  const version = catalogVersionOn(catalog, Temporal.PlainDate.from(date));
  const plan = findPlan(version, planCode);
  if (!plan) throw new PricingError('UNKNOWN_PLAN', `plan ${planCode} is not in the catalog on ${date}`);
  if (!plan.soldIn.includes(subsidiary)) throw new PricingError('PLAN_NOT_SOLD_IN_SUBSIDIARY', `plan ${planCode} is not sold in ${subsidiary}`);
  const price = priceIn(plan, subsidiary, period);
  return { planCode, universe: plan.universe, product: plan.product, allowedPeriods: plan.allowedPeriods, ...(price ? { price } : {}) };
}

/** The product family of a plan (moves mid-term stay within it). */
export function productOf(catalog: Catalog, planCode: string, date: string): string {
  return planOn(catalog, planCode, date)?.product ?? planCode;
}

/** Whole months of an ISO duration in years and months (`P12M`, `P1Y`), or undefined. */
export function monthsOfDuration(duration: string): number | undefined {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?$/.exec(duration);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  return Number(match[1] ?? 0) * 12 + Number(match[2] ?? 0);
}

/** The end rule of the plan's engagement of this length; a commitment the catalog does not list refuses early termination. */
export function engagementRuleOf(catalog: Catalog, planCode: string, duration: string, date: string): EngagementEndRule {
  const months = monthsOfDuration(duration);
  const option = planOn(catalog, planCode, date)?.engagements.find((engagement) => monthsInPeriod(engagement.duration) === months);
  return option?.endRule ?? 'refuseEarlyTermination';
}
