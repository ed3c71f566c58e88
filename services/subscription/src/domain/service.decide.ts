// The Service decider: what each command causes in each state. Pure: the time (`at` instants),
// the ids, the token's hash and what the catalog says arrive with the command.
import { prorateChangeOfPlan, type Money, type Period } from '@billing/billing-kernel';
import type { Decider } from '@billing/eventsourcing';
import { Temporal } from 'temporal-polyfill';
import {
  evolve,
  initialServiceState,
  type ExistingServiceState,
  type LiveServiceState,
  type RenewMode,
  type ServiceActivated,
  type ServiceEvent,
  type ServiceImported,
  type ServicePlanChanged,
  type ServiceState,
  type TerminationFutureUse,
  type TerminationReason,
} from './service';
import {
  ContractNotAccepted,
  EngagementNotOver,
  InvalidTerminationToken,
  NoContractToAccept,
  NoPendingTermination,
  PeriodNotAllowed,
  PlanChangeNotAllowed,
  ServiceNotActive,
  ServiceNotFound,
  ServiceTerminatedRefusal,
  TerminationAlreadyScheduled,
  TerminationNeedsConfirmation,
} from './service-refusals';
import { compareDates, nextExpirationDate, pendingActions, scheduledEnd, subsidiaryDate, type TerminationOutlook } from './service-terms';

/** Who acts: a command for another customer's service is refused as not found. */
type Addressed = Readonly<{ serviceId: string; customerId: string }>;

/** What the catalog offers for the service's plan: the periods it allows and their prices. */
export type RenewOffer = Readonly<{ allowedPeriods: readonly Period[]; prices: Readonly<Partial<Record<Period, Money>>> }>;

/** The plan a customer wants to move to, as the catalog describes it today. */
export type TargetPlan = Readonly<{
  planCode: string;
  universe: ServicePlanChanged['data']['universe'];
  product: string;
  allowedPeriods: readonly Period[];
  /** the price of one term of the service's period; absent when the plan does not allow it */
  price?: Money;
}>;

export type TerminationPolicy = 'empty' | 'terminateAtExpirationDate' | 'terminateAtEngagementDate';

export type ServiceCommand =
  | Readonly<{ type: 'ActivateService'; data: ServiceActivated['data'] }>
  | Readonly<{ type: 'ImportService'; data: ServiceImported['data'] }>
  | Readonly<{
      type: 'ChangeRenewSettings';
      data: Addressed & Readonly<{ renewMode?: RenewMode; period?: Period; terminationPolicy?: TerminationPolicy; offer: RenewOffer; changedAt: string }>;
    }>
  | Readonly<{
      type: 'RequestTermination';
      data: Addressed & Readonly<{ requestId: string; tokenHash: string; tokenExpiresAt: string; atEngagementEnd: boolean; requestedAt: string }>;
    }>
  | Readonly<{
      type: 'ConfirmTermination';
      data: Addressed &
        Readonly<{
          tokenHash: string;
          reason: TerminationReason;
          futureUse?: TerminationFutureUse;
          commentary?: string;
          immediate: boolean;
          atEngagementEnd: boolean;
          confirmedAt: string;
        }>;
    }>
  | Readonly<{ type: 'CancelTermination'; data: Addressed & Readonly<{ cancelledAt: string }> }>
  | Readonly<{ type: 'AcceptContract'; data: Addressed & Readonly<{ contractVersion: string; acceptedAt: string }> }>
  | Readonly<{ type: 'ChangePlan'; data: Addressed & Readonly<{ planChangeId: string; currentProduct: string; target: TargetPlan; changedAt: string }> }>
  | Readonly<{ type: 'RecordRenewalSucceeded'; data: Addressed & Readonly<{ renewalTermId: string; succeededAt: string }> }>
  | Readonly<{ type: 'RecordRenewalLapsed'; data: Addressed & Readonly<{ renewalTermId: string; expirationDate: string; lapsedAt: string }> }>
  | Readonly<{ type: 'RecordRenewalPaymentDeadlinePassed'; data: Addressed & Readonly<{ renewalTermId: string; expirationDate: string; passedAt: string }> }>
  | Readonly<{ type: 'RecordRenewalGracePeriodEnded'; data: Addressed & Readonly<{ renewalTermId: string; expirationDate: string; endedAt: string }> }>
  | Readonly<{ type: 'TerminateWhenDue'; data: Addressed & Readonly<{ at: string }> }>
  | Readonly<{ type: 'WithdrawService'; data: Addressed & Readonly<{ withdrawnAt: string }> }>;

/** How the service looks to the termination schedule. */
export function terminationOutlookOf(state: ExistingServiceState): TerminationOutlook {
  return {
    status: state.status,
    renewMode: state.renewMode,
    legacyContract: state.contract === 'legacy',
    ...(state.scheduledTermination ? { scheduledTermination: state.scheduledTermination.effective } : {}),
    expirationDate: state.expirationDate,
    ...(state.engagement ? { engagedUpTo: state.engagement.engagedUpTo } : {}),
  };
}

/** The amounts of a plan change decided at `changedAt`: the same for the simulation and the change. */
export function planChangeOf(state: ServiceState, command: Extract<ServiceCommand, { type: 'ChangePlan' }>['data']): ServicePlanChanged['data'] {
  const service = liveServiceOf(state, command);
  const { target } = command;
  if (service.status !== 'active') throw new ServiceNotActive(service.serviceId, service.status);
  if (target.planCode === service.planCode) throw new PlanChangeNotAllowed(`the service is on plan ${target.planCode} already`);
  if (target.product !== command.currentProduct || target.universe !== service.universe) {
    throw new PlanChangeNotAllowed(`plan ${target.planCode} is another product (${target.product}): the service can move within ${command.currentProduct} only`);
  }
  if (!target.allowedPeriods.includes(service.period) || !target.price) throw new PeriodNotAllowed(target.planCode, service.period, target.allowedPeriods);
  if (target.price.value <= service.price.value) {
    throw new PlanChangeNotAllowed(`plan ${target.planCode} costs no more than ${service.planCode}: a downgrade applies at the renewal, not mid-term`);
  }
  const today = subsidiaryDate(command.changedAt, service.subsidiary);
  if (compareDates(today, service.expirationDate) >= 0) throw new PlanChangeNotAllowed('the current term has ended: the plan changes once the renewal is paid');
  const changeDate = compareDates(today, service.termStartDate) < 0 ? service.termStartDate : today;
  const proration = prorateChangeOfPlan(
    service.price,
    target.price,
    { start: Temporal.PlainDate.from(service.termStartDate), end: Temporal.PlainDate.from(service.expirationDate) },
    Temporal.PlainDate.from(changeDate),
  );
  return {
    serviceId: service.serviceId,
    customerId: service.customerId,
    planChangeId: command.planChangeId,
    universe: target.universe,
    previousPlanCode: service.planCode,
    planCode: target.planCode,
    previousPrice: service.price,
    price: target.price,
    termStartDate: service.termStartDate,
    effectiveDate: changeDate,
    expirationDate: service.expirationDate,
    subsidiary: service.subsidiary,
    unusedOldPlanCredit: proration.unusedOldPlanCredit,
    newPlanCharge: proration.newPlanCharge,
    changedAt: command.changedAt,
  };
}

function existingServiceOf(state: ServiceState, addressed: Addressed): ExistingServiceState {
  if (state.status === 'initial' || state.customerId !== addressed.customerId) throw new ServiceNotFound(addressed.serviceId);
  return state;
}

function liveServiceOf(state: ServiceState, addressed: Addressed): LiveServiceState {
  const service = existingServiceOf(state, addressed);
  if (service.status === 'terminated') throw new ServiceTerminatedRefusal(service.serviceId);
  return service;
}

/**
 * A renewal fact about a term the service is no longer in (paid since, or an older expiration)
 * changes nothing: renewal's facts can be repeated or overtaken by a payment.
 */
function isAboutCurrentUnpaidTerm(service: LiveServiceState, renewalTermId: string, expirationDate: string): boolean {
  return !service.paidRenewalTermIds.includes(renewalTermId) && service.expirationDate === expirationDate;
}

function changeRenewSettings(state: ServiceState, command: Extract<ServiceCommand, { type: 'ChangeRenewSettings' }>['data']): ServiceEvent[] {
  const service = liveServiceOf(state, command);
  const events: ServiceEvent[] = [];
  const { serviceId, customerId, changedAt } = command;

  if (command.renewMode !== undefined && command.renewMode !== service.renewMode) {
    if (command.renewMode === 'automatic' && service.contract === 'legacy') throw new ContractNotAccepted(serviceId);
    const engagedUpTo = service.engagement?.engagedUpTo;
    // ending at the expiration would break the engagement: that takes terminateAtEngagementDate
    if (command.renewMode === 'deleteAtExpiration' && engagedUpTo && compareDates(service.expirationDate, engagedUpTo) < 0) throw new EngagementNotOver(engagedUpTo);
    events.push({ type: 'ServiceRenewModeChanged', data: { serviceId, customerId, renewMode: command.renewMode, previousRenewMode: service.renewMode, changedAt } });
  }
  if (command.period !== undefined && command.period !== service.period) {
    const price = command.offer.prices[command.period];
    if (!command.offer.allowedPeriods.includes(command.period) || !price) throw new PeriodNotAllowed(service.planCode, command.period, command.offer.allowedPeriods);
    events.push({ type: 'ServiceRenewPeriodChanged', data: { serviceId, customerId, period: command.period, previousPeriod: service.period, price, changedAt } });
  }
  if (command.terminationPolicy === 'empty') {
    if (service.terminationRequest || service.scheduledTermination) events.push({ type: 'ServiceTerminationCancelled', data: { serviceId, customerId, cancelledAt: changedAt } });
  } else if (command.terminationPolicy !== undefined && !pendingActions(terminationOutlookOf(service)).includes(command.terminationPolicy)) {
    throw new TerminationNeedsConfirmation();
  }
  return events;
}

function requestTermination(state: ServiceState, command: Extract<ServiceCommand, { type: 'RequestTermination' }>['data']): ServiceEvent[] {
  const service = liveServiceOf(state, command);
  if (service.scheduledTermination) throw new TerminationAlreadyScheduled(service.serviceId);
  const today = subsidiaryDate(command.requestedAt, service.subsidiary);
  const engagedUpTo = service.engagement?.engagedUpTo;
  // refused before any e-mail goes out: ending at the expiration would break the engagement
  if (engagedUpTo && !command.atEngagementEnd && compareDates(today, engagedUpTo) < 0 && compareDates(service.expirationDate, engagedUpTo) < 0) {
    throw new EngagementNotOver(engagedUpTo);
  }
  const { serviceId, customerId, requestId, tokenHash, tokenExpiresAt, atEngagementEnd, requestedAt } = command;
  return [{ type: 'ServiceTerminationRequested', data: { serviceId, customerId, requestId, tokenHash, tokenExpiresAt, atEngagementEnd, requestedAt } }];
}

function confirmTermination(state: ServiceState, command: Extract<ServiceCommand, { type: 'ConfirmTermination' }>['data']): ServiceEvent[] {
  const service = liveServiceOf(state, command);
  const request = service.terminationRequest;
  const expired = request !== undefined && Temporal.Instant.compare(Temporal.Instant.from(command.confirmedAt), Temporal.Instant.from(request.tokenExpiresAt)) > 0;
  if (!request || request.tokenHash !== command.tokenHash || expired) throw new InvalidTerminationToken();

  const today = subsidiaryDate(command.confirmedAt, service.subsidiary);
  const engagedUpTo = service.engagement?.engagedUpTo;
  const engaged = engagedUpTo !== undefined && compareDates(today, engagedUpTo) < 0;
  const { serviceId, customerId, reason, futureUse, commentary, confirmedAt } = command;
  const confirmed = (effective: 'atExpiration' | 'atEngagementEnd' | 'immediately', effectiveDate: string): ServiceEvent => ({
    type: 'ServiceTerminationConfirmed',
    data: {
      serviceId,
      customerId,
      reason,
      ...(futureUse ? { futureUse } : {}),
      ...(commentary ? { commentary } : {}),
      effective,
      effectiveDate,
      confirmedAt,
    },
  });

  if (engaged) {
    if (command.atEngagementEnd || request.atEngagementEnd) return [confirmed('atEngagementEnd', engagedUpTo)];
    if (command.immediate || compareDates(service.expirationDate, engagedUpTo) < 0) throw new EngagementNotOver(engagedUpTo);
    return [confirmed('atExpiration', service.expirationDate)];
  }
  if (command.immediate) {
    return [confirmed('immediately', today), { type: 'ServiceTerminated', data: { serviceId, customerId, reason: 'customerRequest', terminatedAt: confirmedAt } }];
  }
  return [confirmed('atExpiration', service.expirationDate)];
}

function cancelTermination(state: ServiceState, command: Extract<ServiceCommand, { type: 'CancelTermination' }>['data']): ServiceEvent[] {
  const service = liveServiceOf(state, command);
  if (!service.terminationRequest && !service.scheduledTermination) throw new NoPendingTermination(service.serviceId);
  return [{ type: 'ServiceTerminationCancelled', data: { serviceId: command.serviceId, customerId: command.customerId, cancelledAt: command.cancelledAt } }];
}

function acceptContract(state: ServiceState, command: Extract<ServiceCommand, { type: 'AcceptContract' }>['data']): ServiceEvent[] {
  const service = liveServiceOf(state, command);
  if (service.contract === 'accepted') return [];
  if (service.contract === 'current') throw new NoContractToAccept(service.serviceId);
  const { serviceId, customerId, contractVersion, acceptedAt } = command;
  return [{ type: 'ServiceContractAccepted', data: { serviceId, customerId, contractVersion, renewMode: 'automatic', acceptedAt } }];
}

function recordRenewalSucceeded(state: ServiceState, command: Extract<ServiceCommand, { type: 'RecordRenewalSucceeded' }>['data']): ServiceEvent[] {
  const service = existingServiceOf(state, command);
  // too late for a terminated service (its refund is invoicing's); once per term
  if (service.status === 'terminated' || service.paidRenewalTermIds.includes(command.renewalTermId)) return [];
  const { serviceId, customerId, renewalTermId, succeededAt } = command;
  const expirationDate = nextExpirationDate(service);
  const extended: ServiceEvent = {
    type: 'ServiceExpirationExtended',
    data: { serviceId, customerId, renewalTermId, previousExpirationDate: service.expirationDate, expirationDate, extendedAt: succeededAt },
  };
  if (service.status === 'active') return [extended];
  return [extended, { type: 'ServiceReopened', data: { serviceId, customerId, renewalTermId, expirationDate, reopenedAt: succeededAt } }];
}

function recordRenewalLapsed(state: ServiceState, command: Extract<ServiceCommand, { type: 'RecordRenewalLapsed' }>['data']): ServiceEvent[] {
  const service = existingServiceOf(state, command);
  if (service.status !== 'active' || !isAboutCurrentUnpaidTerm(service, command.renewalTermId, command.expirationDate)) return [];
  const { serviceId, customerId, renewalTermId, expirationDate, lapsedAt } = command;
  return [{ type: 'ServiceMarkedUnpaid', data: { serviceId, customerId, renewalTermId, expirationDate, markedAt: lapsedAt } }];
}

function recordPaymentDeadlinePassed(state: ServiceState, command: Extract<ServiceCommand, { type: 'RecordRenewalPaymentDeadlinePassed' }>['data']): ServiceEvent[] {
  const service = existingServiceOf(state, command);
  if (service.status === 'terminated' || service.status === 'rupture') return [];
  if (!isAboutCurrentUnpaidTerm(service, command.renewalTermId, command.expirationDate)) return [];
  const { serviceId, customerId, renewalTermId, expirationDate, passedAt } = command;
  const suspended: ServiceEvent = { type: 'ServiceSuspended', data: { serviceId, customerId, reason: 'unpaidRenewal', renewalTermId, suspendedAt: passedAt } };
  // the lapse was never reported (or is still on its way): the service is unpaid all the same
  if (service.status === 'active') return [{ type: 'ServiceMarkedUnpaid', data: { serviceId, customerId, renewalTermId, expirationDate, markedAt: passedAt } }, suspended];
  return [suspended];
}

function recordGracePeriodEnded(state: ServiceState, command: Extract<ServiceCommand, { type: 'RecordRenewalGracePeriodEnded' }>['data']): ServiceEvent[] {
  const service = existingServiceOf(state, command);
  if (service.status === 'terminated' || !isAboutCurrentUnpaidTerm(service, command.renewalTermId, command.expirationDate)) return [];
  return [{ type: 'ServiceTerminated', data: { serviceId: command.serviceId, customerId: command.customerId, reason: 'unpaidRenewal', terminatedAt: command.endedAt } }];
}

function terminateWhenDue(state: ServiceState, command: Extract<ServiceCommand, { type: 'TerminateWhenDue' }>['data']): ServiceEvent[] {
  const service = existingServiceOf(state, command);
  if (service.status === 'terminated') return [];
  const due = scheduledEnd(terminationOutlookOf(service));
  if (!due || compareDates(due.date, subsidiaryDate(command.at, service.subsidiary)) > 0) return [];
  return [{ type: 'ServiceTerminated', data: { serviceId: command.serviceId, customerId: command.customerId, reason: due.reason, terminatedAt: command.at } }];
}

function withdrawService(state: ServiceState, command: Extract<ServiceCommand, { type: 'WithdrawService' }>['data']): ServiceEvent[] {
  const service = existingServiceOf(state, command);
  if (service.status === 'terminated') return [];
  return [{ type: 'ServiceTerminated', data: { serviceId: command.serviceId, customerId: command.customerId, reason: 'withdrawal', terminatedAt: command.withdrawnAt } }];
}

export function decide(command: ServiceCommand, state: ServiceState): ServiceEvent[] {
  switch (command.type) {
    case 'ActivateService':
      // one service per delivered unit: a repeated delivery finds it and creates nothing
      return state.status === 'initial' ? [{ type: 'ServiceActivated', data: command.data }] : [];
    case 'ImportService':
      return state.status === 'initial' ? [{ type: 'ServiceImported', data: command.data }] : [];
    case 'ChangeRenewSettings':
      return changeRenewSettings(state, command.data);
    case 'RequestTermination':
      return requestTermination(state, command.data);
    case 'ConfirmTermination':
      return confirmTermination(state, command.data);
    case 'CancelTermination':
      return cancelTermination(state, command.data);
    case 'AcceptContract':
      return acceptContract(state, command.data);
    case 'ChangePlan':
      return [{ type: 'ServicePlanChanged', data: planChangeOf(state, command.data) }];
    case 'RecordRenewalSucceeded':
      return recordRenewalSucceeded(state, command.data);
    case 'RecordRenewalLapsed':
      return recordRenewalLapsed(state, command.data);
    case 'RecordRenewalPaymentDeadlinePassed':
      return recordPaymentDeadlinePassed(state, command.data);
    case 'RecordRenewalGracePeriodEnded':
      return recordGracePeriodEnded(state, command.data);
    case 'TerminateWhenDue':
      return terminateWhenDue(state, command.data);
    case 'WithdrawService':
      return withdrawService(state, command.data);
  }
}

export const serviceDecider: Decider<ServiceCommand, ServiceEvent, ServiceState> = {
  initialState: initialServiceState,
  evolve,
  decide,
};
