// The service as the public API shows it (`/services/{serviceId}`), built the same way from a
// read-model row (GET) and from the aggregate after a command (PUT, POST): renew settings with
// the choices the catalog allows, lifecycle with its pending actions, engagement, price.
import { renewalBillingDate, shippedCatalog, type SubsidiaryCode } from '@billing/billing-kernel';
import { Temporal } from 'temporal-polyfill';
import { engagementRuleOf, renewOfferOf } from '../catalog/plan-offers';
import { renewModes, type ExistingServiceState, type RenewMode, type ServiceStatus } from '../domain/service';
import { compareDates, pendingActions, scheduledEnd, type TerminationOutlook } from '../domain/service-terms';
import type { PlanChangeQuote } from '../commands/service-commands';

/** What a view needs of a service: the read model's row has these fields, and so has the aggregate. */
export type ServiceSnapshot = Readonly<{
  serviceId: string;
  planCode: string;
  universe: string;
  subsidiary: string;
  status: ServiceStatus;
  period: string;
  price: number;
  currency: string;
  expirationDate: string;
  renewMode: RenewMode;
  legacyContract: boolean;
  scheduledTermination: 'atExpiration' | 'atEngagementEnd' | null;
  engagementDuration: string | null;
  engagedUpTo: string | null;
}>;

/** The account's renew day, once renewal announced it. */
export type RenewDaySetting = Readonly<{ active: boolean; renewDay: number }>;

export function snapshotOf(state: ExistingServiceState): ServiceSnapshot {
  return {
    serviceId: state.serviceId,
    planCode: state.planCode,
    universe: state.universe,
    subsidiary: state.subsidiary,
    status: state.status,
    period: state.period,
    price: state.price.value,
    currency: state.price.currency,
    expirationDate: state.expirationDate,
    renewMode: state.renewMode,
    legacyContract: state.contract === 'legacy',
    scheduledTermination: state.scheduledTermination?.effective ?? null,
    engagementDuration: state.engagement?.duration ?? null,
    engagedUpTo: state.engagement?.engagedUpTo ?? null,
  };
}

function outlookOf(service: ServiceSnapshot): TerminationOutlook {
  return {
    status: service.status,
    renewMode: service.renewMode,
    legacyContract: service.legacyContract,
    ...(service.scheduledTermination ? { scheduledTermination: service.scheduledTermination } : {}),
    expirationDate: service.expirationDate,
    ...(service.engagedUpTo ? { engagedUpTo: service.engagedUpTo } : {}),
  };
}

/**
 * The day the next term is billed: none when nothing will be billed (terminated, or ending at
 * or before its expiration); the last renew day on or before the expiration once renewal has
 * told us the account's renew day; the expiration date until then.
 */
function nextBillingDateOf(service: ServiceSnapshot, renewDay: RenewDaySetting | null): string | null {
  if (service.status === 'terminated') return null;
  const end = scheduledEnd(outlookOf(service));
  if (end && compareDates(end.date, service.expirationDate) <= 0) return null;
  if (!renewDay?.active) return service.expirationDate;
  return renewalBillingDate(Temporal.PlainDate.from(service.expirationDate), renewDay.renewDay).billingDate.toString();
}

export function serviceView(service: ServiceSnapshot, renewDay: RenewDaySetting | null, today: string) {
  const terminated = service.status === 'terminated';
  const offer = renewOfferOf(shippedCatalog, service.planCode, service.subsidiary as SubsidiaryCode, today);
  return {
    serviceId: service.serviceId,
    planCode: service.planCode,
    universe: service.universe,
    subsidiary: service.subsidiary,
    status: service.status,
    billing: {
      expirationDate: service.expirationDate,
      nextBillingDate: nextBillingDateOf(service, renewDay),
      renew: {
        mode: service.renewMode,
        period: service.period,
        // a legacy service renews automatically once its customer accepts the new contract
        possibleModes: terminated ? [] : renewModes.filter((mode) => !(mode === 'automatic' && service.legacyContract)),
        possiblePeriods: terminated ? [] : offer.allowedPeriods,
      },
      lifecycle: { state: service.status, pendingActions: pendingActions(outlookOf(service)) },
      engagement:
        service.engagedUpTo && service.engagementDuration
          ? { engagedUpTo: service.engagedUpTo, endRule: engagementRuleOf(shippedCatalog, service.planCode, service.engagementDuration, today) }
          : null,
      price: { currency: service.currency, value: service.price },
      contract: { legacy: service.legacyContract },
    },
  };
}

export type ServiceView = ReturnType<typeof serviceView>;

export function planChangeView(quote: PlanChangeQuote) {
  const { change } = quote;
  return {
    serviceId: change.serviceId,
    previousPlanCode: change.previousPlanCode,
    planCode: change.planCode,
    previousPrice: change.previousPrice,
    price: change.price,
    termStartDate: change.termStartDate,
    effectiveDate: change.effectiveDate,
    expirationDate: change.expirationDate,
    remainingDays: quote.remainingDays,
    daysInTerm: quote.daysInTerm,
    credit: change.unusedOldPlanCredit,
    charge: change.newPlanCharge,
    total: { currency: change.price.currency, value: change.unusedOldPlanCredit.value + change.newPlanCharge.value },
  };
}
