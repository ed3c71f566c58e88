// The Service aggregate: what a customer holds once an order item is delivered (or a legacy
// service is imported). Its events, its state as a union on `status`, and how each event moves
// the state. DOMAIN.md: active → unpaid → rupture → terminated; a late payment reopens it on its
// original anchor; `terminated` is final.
import { memoised, monthsInPeriod, type Money, type Period, type SubsidiaryCode, type Universe } from '@billing/billing-kernel';
import type { TerminationFutureUse, TerminationReason } from '@billing/contracts';
import { Temporal } from 'temporal-polyfill';

export type RenewMode = 'automatic' | 'manual' | 'deleteAtExpiration';
export const renewModes: readonly RenewMode[] = ['automatic', 'manual', 'deleteAtExpiration'];

export type ServiceStatus = 'active' | 'unpaid' | 'rupture' | 'terminated';

/** A commitment until `engagedUpTo` (YYYY-MM-DD), taken for `duration` from the anchor. */
export type Engagement = Readonly<{ duration: string; engagedUpTo: string }>;

/** The closed lists of the public API (`service.TerminationReasonEnum`, `…FutureUseEnum`). */
export type { TerminationFutureUse, TerminationReason } from '@billing/contracts';

export type TerminationEffect = 'atExpiration' | 'atEngagementEnd' | 'immediately';

export type EndOfServiceReason =
  | 'customerRequest'
  | 'deleteAtExpiration'
  | 'unpaidRenewal'
  | 'withdrawal'
  | 'contractNotAccepted'
  | 'operatorDecision';

/** The pending actions of the public API (`billing.lifecycle.pendingActions`). */
export type PendingAction = 'terminateAtExpirationDate' | 'terminateAtEngagementDate';

// ── events ───────────────────────────────────────────────────────────────────────────────────

export type ServiceActivated = Readonly<{
  type: 'ServiceActivated';
  data: Readonly<{
    serviceId: string;
    customerId: string;
    orderId: string;
    itemId: string;
    subsidiary: SubsidiaryCode;
    universe: Universe;
    planCode: string;
    period: Period;
    price: Money;
    anchorDate: string;
    expirationDate: string;
    renewMode: RenewMode;
    engagement?: Engagement;
    activatedAt: string;
  }>;
}>;

export type ServiceImported = Readonly<{
  type: 'ServiceImported';
  data: Readonly<{
    serviceId: string;
    customerId: string;
    legacyServiceId: string;
    subsidiary: SubsidiaryCode;
    universe: Universe;
    planCode: string;
    period: Period;
    price: Money;
    anchorDate: string;
    expirationDate: string;
    renewMode: RenewMode;
    /** true while it runs under its legacy contract */
    legacy: boolean;
    engagement?: Engagement;
    importedAt: string;
  }>;
}>;

export type ServiceContractAccepted = Readonly<{
  type: 'ServiceContractAccepted';
  data: Readonly<{ serviceId: string; customerId: string; contractVersion: string; renewMode: 'automatic'; acceptedAt: string }>;
}>;

export type ServiceRenewModeChanged = Readonly<{
  type: 'ServiceRenewModeChanged';
  data: Readonly<{ serviceId: string; customerId: string; renewMode: RenewMode; previousRenewMode: RenewMode; changedAt: string }>;
}>;

export type ServiceRenewPeriodChanged = Readonly<{
  type: 'ServiceRenewPeriodChanged';
  data: Readonly<{ serviceId: string; customerId: string; period: Period; previousPeriod: Period; price: Money; changedAt: string }>;
}>;

export type ServiceExpirationExtended = Readonly<{
  type: 'ServiceExpirationExtended';
  data: Readonly<{
    serviceId: string;
    customerId: string;
    renewalTermId: string;
    previousExpirationDate: string;
    expirationDate: string;
    extendedAt: string;
  }>;
}>;

export type ServicePlanChanged = Readonly<{
  type: 'ServicePlanChanged';
  data: Readonly<{
    serviceId: string;
    customerId: string;
    planChangeId: string;
    universe: Universe;
    previousPlanCode: string;
    planCode: string;
    previousPrice: Money;
    price: Money;
    termStartDate: string;
    effectiveDate: string;
    expirationDate: string;
    /** absent from changes recorded before it was carried; the service's subsidiary */
    subsidiary?: SubsidiaryCode;
    /** negative: the unused days of the old plan, credited */
    unusedOldPlanCredit: Money;
    /** the new plan over the same days */
    newPlanCharge: Money;
    changedAt: string;
  }>;
}>;

/**
 * The customer asked to terminate. Only the token's SHA-256 is kept: the token itself is derived
 * from `requestId` when the notification is published (see publishing/termination-tokens.ts).
 */
export type ServiceTerminationRequested = Readonly<{
  type: 'ServiceTerminationRequested';
  data: Readonly<{
    serviceId: string;
    customerId: string;
    requestId: string;
    tokenHash: string;
    tokenExpiresAt: string;
    /** the customer asked, from the start, for the termination at the engagement's end */
    atEngagementEnd: boolean;
    requestedAt: string;
  }>;
}>;

export type ServiceTerminationConfirmed = Readonly<{
  type: 'ServiceTerminationConfirmed';
  data: Readonly<{
    serviceId: string;
    customerId: string;
    reason: TerminationReason;
    futureUse?: TerminationFutureUse;
    commentary?: string;
    effective: TerminationEffect;
    effectiveDate: string;
    confirmedAt: string;
  }>;
}>;

export type ServiceTerminationCancelled = Readonly<{
  type: 'ServiceTerminationCancelled';
  data: Readonly<{ serviceId: string; customerId: string; cancelledAt: string }>;
}>;

export type ServiceMarkedUnpaid = Readonly<{
  type: 'ServiceMarkedUnpaid';
  data: Readonly<{ serviceId: string; customerId: string; renewalTermId: string; expirationDate: string; markedAt: string }>;
}>;

export type ServiceSuspended = Readonly<{
  type: 'ServiceSuspended';
  data: Readonly<{ serviceId: string; customerId: string; reason: 'unpaidRenewal' | 'operatorDecision'; renewalTermId?: string; suspendedAt: string }>;
}>;

export type ServiceReopened = Readonly<{
  type: 'ServiceReopened';
  data: Readonly<{ serviceId: string; customerId: string; renewalTermId?: string; expirationDate: string; reopenedAt: string }>;
}>;

export type ServiceTerminated = Readonly<{
  type: 'ServiceTerminated';
  data: Readonly<{ serviceId: string; customerId: string; reason: EndOfServiceReason; terminatedAt: string }>;
}>;

export type ServiceEvent =
  | ServiceActivated
  | ServiceImported
  | ServiceContractAccepted
  | ServiceRenewModeChanged
  | ServiceRenewPeriodChanged
  | ServiceExpirationExtended
  | ServicePlanChanged
  | ServiceTerminationRequested
  | ServiceTerminationConfirmed
  | ServiceTerminationCancelled
  | ServiceMarkedUnpaid
  | ServiceSuspended
  | ServiceReopened
  | ServiceTerminated;

// ── state ────────────────────────────────────────────────────────────────────────────────────

export type ServiceOrigin =
  | Readonly<{ kind: 'order'; orderId: string; itemId: string }>
  | Readonly<{ kind: 'legacy'; legacyServiceId: string }>;

/** A termination token waiting for its confirmation. */
export type TerminationRequest = Readonly<{ requestId: string; tokenHash: string; tokenExpiresAt: string; atEngagementEnd: boolean }>;

/** A confirmed termination waiting for its date. */
export type ScheduledTermination = Readonly<{ effective: 'atExpiration' | 'atEngagementEnd' }>;

/**
 * `legacy`: runs under its legacy contract (renews only once the new one is accepted);
 * `accepted`: a legacy service whose customer accepted the new contract; `current`: ordered here.
 */
export type ContractStatus = 'legacy' | 'accepted' | 'current';

export type HeldService = Readonly<{
  serviceId: string;
  customerId: string;
  origin: ServiceOrigin;
  subsidiary: SubsidiaryCode;
  universe: Universe;
  planCode: string;
  /** the renew period: the length of the next term */
  period: Period;
  /** the price of one term, tax excluded */
  price: Money;
  anchorDate: string;
  /**
   * Months from the anchor to the expiration date. Term ends are counted in months from the
   * anchor (termEnd(anchor, P1M, months)), never from the previous end, and a change of period
   * keeps the anchor: Jan 31 → Feb 28 → Mar 31 whatever happened in between.
   */
  monthsFromAnchor: number;
  termStartDate: string;
  expirationDate: string;
  renewMode: RenewMode;
  engagement?: Engagement;
  contract: ContractStatus;
  terminationRequest?: TerminationRequest;
  scheduledTermination?: ScheduledTermination;
  /** renewal terms already paid: a repeated RenewalSucceeded extends nothing */
  paidRenewalTermIds: readonly string[];
}>;

export type ServiceState =
  | Readonly<{ status: 'initial' }>
  | (HeldService & Readonly<{ status: 'active' | 'unpaid' | 'rupture' }>)
  | (HeldService & Readonly<{ status: 'terminated'; endReason: EndOfServiceReason; terminatedAt: string }>);

export type ExistingServiceState = Exclude<ServiceState, { status: 'initial' }>;
export type LiveServiceState = Exclude<ExistingServiceState, { status: 'terminated' }>;

export const initialServiceState = (): ServiceState => ({ status: 'initial' });

/**
 * Snapshots of a service's state (see BatchCommandHandler): the kind names ServiceState's shape as
 * `evolve` builds it from the events as upcast. Change the kind with any of them, and the
 * snapshots of the old one are ignored.
 * Every 12 events: about a year of a monthly service's renewals.
 */
export const SERVICE_SNAPSHOTS = { kind: 'service@1', every: 12 } as const;

export function serviceStreamId(serviceId: string): string {
  return `service-${serviceId}`;
}

/** Whole months between two dates' months (Jan 31 → Feb 28 is 1): how far a term end is from the anchor. */
export function monthsBetween(from: string, to: string): number {
  const [fromYear, fromMonth] = from.split('-').map(Number);
  const [toYear, toMonth] = to.split('-').map(Number);
  return (toYear - fromYear) * 12 + (toMonth - fromMonth);
}

/** Events are facts: evolve never refuses one, and ignores one that cannot apply to the state. */
export function evolve(state: ServiceState, event: ServiceEvent): ServiceState {
  if (event.type === 'ServiceActivated' || event.type === 'ServiceImported') {
    if (state.status !== 'initial') return state;
    const { data } = event;
    return {
      status: 'active',
      serviceId: data.serviceId,
      customerId: data.customerId,
      origin: event.type === 'ServiceActivated' ? { kind: 'order', orderId: event.data.orderId, itemId: event.data.itemId } : { kind: 'legacy', legacyServiceId: event.data.legacyServiceId },
      subsidiary: data.subsidiary,
      universe: data.universe,
      planCode: data.planCode,
      period: data.period,
      price: data.price,
      anchorDate: data.anchorDate,
      monthsFromAnchor: monthsBetween(data.anchorDate, data.expirationDate),
      termStartDate: event.type === 'ServiceActivated' ? data.anchorDate : termStartOfImport(data.expirationDate, data.period),
      expirationDate: data.expirationDate,
      renewMode: data.renewMode,
      ...(data.engagement ? { engagement: data.engagement } : {}),
      contract: event.type === 'ServiceImported' && event.data.legacy ? 'legacy' : 'current',
      paidRenewalTermIds: [],
    };
  }
  if (state.status === 'initial' || state.status === 'terminated') return state;

  switch (event.type) {
    case 'ServiceContractAccepted':
      return { ...state, contract: 'accepted', renewMode: event.data.renewMode };
    case 'ServiceRenewModeChanged':
      return { ...state, renewMode: event.data.renewMode };
    case 'ServiceRenewPeriodChanged':
      // the current term keeps its length and price until it ends; the next one uses these
      return { ...state, period: event.data.period, price: event.data.price };
    case 'ServiceExpirationExtended':
      return {
        ...state,
        status: 'active',
        termStartDate: event.data.previousExpirationDate,
        expirationDate: event.data.expirationDate,
        monthsFromAnchor: monthsBetween(state.anchorDate, event.data.expirationDate),
        paidRenewalTermIds: [...state.paidRenewalTermIds, event.data.renewalTermId],
      };
    case 'ServicePlanChanged':
      return { ...state, planCode: event.data.planCode, universe: event.data.universe, price: event.data.price };
    case 'ServiceTerminationRequested': {
      const { requestId, tokenHash, tokenExpiresAt, atEngagementEnd } = event.data;
      return { ...state, terminationRequest: { requestId, tokenHash, tokenExpiresAt, atEngagementEnd } };
    }
    case 'ServiceTerminationConfirmed': {
      const { terminationRequest: _used, ...rest } = state;
      return event.data.effective === 'immediately' ? rest : { ...rest, scheduledTermination: { effective: event.data.effective } };
    }
    case 'ServiceTerminationCancelled': {
      const { terminationRequest: _request, scheduledTermination: _scheduled, ...rest } = state;
      return rest;
    }
    case 'ServiceMarkedUnpaid':
      return { ...state, status: 'unpaid' };
    case 'ServiceSuspended':
      return { ...state, status: 'rupture' };
    case 'ServiceReopened':
      return { ...state, status: 'active', expirationDate: event.data.expirationDate, monthsFromAnchor: monthsBetween(state.anchorDate, event.data.expirationDate) };
    case 'ServiceTerminated': {
      const { terminationRequest: _request, scheduledTermination: _scheduled, ...rest } = state;
      return { ...rest, status: 'terminated', endReason: event.data.reason, terminatedAt: event.data.terminatedAt };
    }
  }
}

/** An imported service's current term started one period before its expiration. */
function termStartOfImport(expirationDate: string, period: Period): string {
  return importedTermStart(expirationDate, period);
}

/** Every load of an imported service's stream folds its import again. */
const importedTermStart = memoised((expirationDate, period) => Temporal.PlainDate.from(expirationDate).subtract({ months: monthsInPeriod(period as Period) }).toString());
