import type { Money } from '@billing/billing-kernel';
import { DeciderSpecification } from '@billing/testing';
import type { ServiceActivated, ServiceEvent, ServiceImported } from './service';
import { planChangeOf, serviceDecider, type RenewOffer, type ServiceCommand, type TargetPlan } from './service.decide';
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

const spec = DeciderSpecification.for(serviceDecider);
const eur = (value: number): Money => ({ currency: 'EUR', value });

const serviceId = '5b0c9a1e-2d3f-4e5a-8b6c-7d8e9f0a1b2c';
const customerId = 'cust-camille';
const intruder = 'cust-mallory';
const you = { serviceId, customerId };
const renewalTermId = '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6';
const nextRenewalTermId = '2f3e4d5c-6b7a-4899-8a1c-d2e3f4a5b6c7';
const tokenHash = 'a'.repeat(64);

// Paris: Jan 31 2027 10:00 UTC is Jan 31 there; the first term ends Feb 28
const activated: ServiceActivated = {
  type: 'ServiceActivated',
  data: {
    serviceId,
    customerId,
    orderId: '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    itemId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    subsidiary: 'FR',
    universe: 'web',
    planCode: 'web-hosting-pro',
    period: 'P1M',
    price: eur(799),
    anchorDate: '2027-01-31',
    expirationDate: '2027-02-28',
    renewMode: 'automatic',
    activatedAt: '2027-01-31T10:00:00.000Z',
  },
};

const engagedActivated: ServiceActivated = {
  type: 'ServiceActivated',
  data: { ...activated.data, planCode: 'dedicated-advance-2', universe: 'dedicated', price: eur(12999), engagement: { duration: 'P1Y', engagedUpTo: '2028-01-31' } },
};

const imported = (legacy: boolean): ServiceImported => ({
  type: 'ServiceImported',
  data: {
    serviceId,
    customerId,
    legacyServiceId: 'legacy-42',
    subsidiary: 'FR',
    universe: 'web',
    planCode: 'web-hosting-pro',
    period: 'P1Y',
    price: eur(8199),
    anchorDate: '2027-06-15',
    expirationDate: '2027-06-15',
    renewMode: legacy ? 'manual' : 'automatic',
    legacy,
    importedAt: '2027-01-10T09:00:00.000Z',
  },
});

const requested = (atEngagementEnd = false): ServiceEvent => ({
  type: 'ServiceTerminationRequested',
  data: { serviceId, customerId, requestId: 'e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9', tokenHash, tokenExpiresAt: '2027-02-03T10:00:00.000Z', atEngagementEnd, requestedAt: '2027-02-01T10:00:00.000Z' },
});
const confirmedAtExpiration: ServiceEvent = {
  type: 'ServiceTerminationConfirmed',
  data: { serviceId, customerId, reason: 'TOO_EXPENSIVE', effective: 'atExpiration', effectiveDate: '2027-02-28', confirmedAt: '2027-02-02T10:00:00.000Z' },
};
const extended = (termId: string, previousExpirationDate: string, expirationDate: string, extendedAt: string): ServiceEvent => ({
  type: 'ServiceExpirationExtended',
  data: { serviceId, customerId, renewalTermId: termId, previousExpirationDate, expirationDate, extendedAt },
});
const markedUnpaid: ServiceEvent = {
  type: 'ServiceMarkedUnpaid',
  data: { serviceId, customerId, renewalTermId, expirationDate: '2027-02-28', markedAt: '2027-02-28T06:00:00.000Z' },
};
const suspended: ServiceEvent = {
  type: 'ServiceSuspended',
  data: { serviceId, customerId, reason: 'unpaidRenewal', renewalTermId, suspendedAt: '2027-03-07T06:00:00.000Z' },
};
const terminated = (reason: 'unpaidRenewal' | 'customerRequest' = 'unpaidRenewal'): ServiceEvent => ({
  type: 'ServiceTerminated',
  data: { serviceId, customerId, reason, terminatedAt: '2027-03-30T06:00:00.000Z' },
});

// ── commands ──
const offer: RenewOffer = { allowedPeriods: ['P1M', 'P1Y'], prices: { P1M: eur(799), P1Y: eur(8199) } };
const changeRenew = (settings: Partial<Extract<ServiceCommand, { type: 'ChangeRenewSettings' }>['data']>, by = customerId): ServiceCommand => ({
  type: 'ChangeRenewSettings',
  data: { serviceId, customerId: by, offer, changedAt: '2027-02-01T10:00:00.000Z', ...settings },
});
const requestTermination = (atEngagementEnd = false, requestedAt = '2027-02-01T10:00:00.000Z'): ServiceCommand => ({
  type: 'RequestTermination',
  data: { ...you, requestId: 'e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9', tokenHash, tokenExpiresAt: '2027-02-03T10:00:00.000Z', atEngagementEnd, requestedAt },
});
const confirmTermination = (options: { hash?: string; immediate?: boolean; atEngagementEnd?: boolean; confirmedAt?: string } = {}): ServiceCommand => ({
  type: 'ConfirmTermination',
  data: {
    ...you,
    tokenHash: options.hash ?? tokenHash,
    reason: 'TOO_EXPENSIVE',
    futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR',
    commentary: 'cheaper elsewhere',
    immediate: options.immediate ?? false,
    atEngagementEnd: options.atEngagementEnd ?? false,
    confirmedAt: options.confirmedAt ?? '2027-02-02T10:00:00.000Z',
  },
});
const cancelTermination: ServiceCommand = { type: 'CancelTermination', data: { ...you, cancelledAt: '2027-02-05T10:00:00.000Z' } };
const acceptContract: ServiceCommand = { type: 'AcceptContract', data: { ...you, contractVersion: '2026-01', acceptedAt: '2027-02-01T10:00:00.000Z' } };
const performance: TargetPlan = { planCode: 'web-hosting-performance', universe: 'web', product: 'web-hosting', allowedPeriods: ['P1M', 'P3M', 'P1Y'], price: eur(1599) };
const changePlan = (target: TargetPlan = performance, changedAt = '2027-02-14T10:00:00.000Z'): ServiceCommand => ({
  type: 'ChangePlan',
  data: { ...you, planChangeId: '7c6b5a49-3828-4716-9504-f3e2d1c0b9a8', currentProduct: 'web-hosting', target, changedAt },
});
const renewalSucceeded = (termId = renewalTermId, succeededAt = '2027-02-27T06:00:00.000Z'): ServiceCommand => ({ type: 'RecordRenewalSucceeded', data: { ...you, renewalTermId: termId, succeededAt } });
const renewalLapsed = (expirationDate = '2027-02-28'): ServiceCommand => ({ type: 'RecordRenewalLapsed', data: { ...you, renewalTermId, expirationDate, lapsedAt: '2027-02-28T06:00:00.000Z' } });
const deadlinePassed: ServiceCommand = { type: 'RecordRenewalPaymentDeadlinePassed', data: { ...you, renewalTermId, expirationDate: '2027-02-28', passedAt: '2027-03-07T06:00:00.000Z' } };
const gracePeriodEnded: ServiceCommand = { type: 'RecordRenewalGracePeriodEnded', data: { ...you, renewalTermId, expirationDate: '2027-02-28', endedAt: '2027-03-30T06:00:00.000Z' } };
const terminateWhenDue = (at: string): ServiceCommand => ({ type: 'TerminateWhenDue', data: { ...you, at } });
const withdraw: ServiceCommand = { type: 'WithdrawService', data: { ...you, withdrawnAt: '2027-02-05T10:00:00.000Z' } };

describe('a service that does not exist yet', () => {
  it('is activated from a delivered order item', () => {
    spec.given([]).when({ type: 'ActivateService', data: activated.data }).then([activated]);
  });

  it('is imported from the legacy system', () => {
    spec.given([]).when({ type: 'ImportService', data: imported(true).data }).then([imported(true)]);
  });

  it('refuses anything else as not found', () => {
    spec.given([]).when(changeRenew({ renewMode: 'manual' })).thenThrows(ServiceNotFound);
    spec.given([]).when(requestTermination()).thenThrows(ServiceNotFound);
    spec.given([]).when(renewalSucceeded()).thenThrows(ServiceNotFound);
  });
});

describe('an active service', () => {
  it('is not activated twice by a repeated delivery', () => {
    spec.given([activated]).when({ type: 'ActivateService', data: activated.data }).thenNothingHappened();
  });

  it("is not found for another customer", () => {
    spec.given([activated]).when(changeRenew({ renewMode: 'manual' }, intruder)).thenThrows(ServiceNotFound);
  });

  it('changes its renew mode and period, with the price of the new period', () => {
    spec
      .given([activated])
      .when(changeRenew({ renewMode: 'manual', period: 'P1Y' }))
      .then([
        { type: 'ServiceRenewModeChanged', data: { ...you, renewMode: 'manual', previousRenewMode: 'automatic', changedAt: '2027-02-01T10:00:00.000Z' } },
        { type: 'ServiceRenewPeriodChanged', data: { ...you, period: 'P1Y', previousPeriod: 'P1M', price: eur(8199), changedAt: '2027-02-01T10:00:00.000Z' } },
      ]);
  });

  it('changes nothing when the settings are the ones it has', () => {
    spec.given([activated]).when(changeRenew({ renewMode: 'automatic', period: 'P1M', terminationPolicy: 'empty' })).thenNothingHappened();
  });

  it('refuses a period the plan does not allow', () => {
    spec.given([activated]).when(changeRenew({ period: 'P3M' })).thenThrows(PeriodNotAllowed);
  });

  it('refuses to schedule a termination through its settings: that takes the token', () => {
    spec.given([activated]).when(changeRenew({ terminationPolicy: 'terminateAtExpirationDate' })).thenThrows(TerminationNeedsConfirmation);
  });

  it('issues a termination token (its hash only) on request', () => {
    spec.given([activated]).when(requestTermination()).then([requested()]);
  });

  it('refuses a confirmation without a request', () => {
    spec.given([activated]).when(confirmTermination()).thenThrows(InvalidTerminationToken);
  });

  it('has no termination to cancel', () => {
    spec.given([activated]).when(cancelTermination).thenThrows(NoPendingTermination);
  });

  it('has no legacy contract to accept', () => {
    spec.given([activated]).when(acceptContract).thenThrows(NoContractToAccept);
  });

  it('is extended to the next anchored term end when its renewal is paid: Jan 31 → Feb 28 → Mar 31', () => {
    spec.given([activated]).when(renewalSucceeded()).then([extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-02-27T06:00:00.000Z')]);
    spec
      .given([activated, extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-02-27T06:00:00.000Z')])
      .when(renewalSucceeded(nextRenewalTermId, '2027-03-30T06:00:00.000Z'))
      .then([extended(nextRenewalTermId, '2027-03-31', '2027-04-30', '2027-03-30T06:00:00.000Z')]);
  });

  it('keeps its anchor when its period changes: monthly to yearly from Feb 28 ends on Feb 29 2028, not Feb 28', () => {
    const toYearly: ServiceEvent = { type: 'ServiceRenewPeriodChanged', data: { ...you, period: 'P1Y', previousPeriod: 'P1M', price: eur(8199), changedAt: '2027-02-01T10:00:00.000Z' } };
    spec.given([activated, toYearly]).when(renewalSucceeded()).then([extended(renewalTermId, '2027-02-28', '2028-02-29', '2027-02-27T06:00:00.000Z')]);
  });

  it('is extended once per renewal term', () => {
    spec.given([activated, extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-02-27T06:00:00.000Z')]).when(renewalSucceeded()).thenNothingHappened();
  });

  it('is marked unpaid when its expiration passes unpaid', () => {
    spec.given([activated]).when(renewalLapsed()).then([markedUnpaid]);
  });

  it('ignores a lapse of an expiration it no longer has (paid since)', () => {
    spec.given([activated, extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-02-27T06:00:00.000Z')]).when(renewalLapsed()).thenNothingHappened();
  });

  it('is marked unpaid and suspended when the payment deadline passed without a lapse seen', () => {
    spec.given([activated]).when(deadlinePassed).then([{ ...markedUnpaid, data: { ...markedUnpaid.data, markedAt: '2027-03-07T06:00:00.000Z' } }, suspended]);
  });

  it('changes plan mid-term with the unused days credited and the new plan charged until the expiration', () => {
    // term Jan 31 → Feb 28 (28 days), changed on Feb 14 (Paris): 14 days left
    spec.given([activated]).when(changePlan()).then([
      {
        type: 'ServicePlanChanged',
        data: {
          ...you,
          planChangeId: '7c6b5a49-3828-4716-9504-f3e2d1c0b9a8',
          universe: 'web',
          previousPlanCode: 'web-hosting-pro',
          planCode: 'web-hosting-performance',
          previousPrice: eur(799),
          price: eur(1599),
          termStartDate: '2027-01-31',
          effectiveDate: '2027-02-14',
          expirationDate: '2027-02-28',
          subsidiary: 'FR',
          unusedOldPlanCredit: eur(-400),
          newPlanCharge: eur(800),
          changedAt: '2027-02-14T10:00:00.000Z',
        },
      },
    ]);
  });

  it('simulates the plan change with the very amounts it decides', () => {
    const simulated = planChangeOf(serviceDecider.evolve(serviceDecider.initialState(), activated), (changePlan() as Extract<ServiceCommand, { type: 'ChangePlan' }>).data);
    spec.given([activated]).when(changePlan()).then([{ type: 'ServicePlanChanged', data: simulated }]);
  });

  it('refuses a downgrade, another product, a period the new plan does not allow, or the same plan', () => {
    spec.given([activated]).when(changePlan({ ...performance, planCode: 'web-hosting-starter', price: eur(349) })).thenThrows(PlanChangeNotAllowed);
    spec.given([activated]).when(changePlan({ ...performance, planCode: 'domain-com', product: 'domain' })).thenThrows(PlanChangeNotAllowed);
    spec.given([activated]).when(changePlan({ ...performance, allowedPeriods: ['P1Y'], price: undefined })).thenThrows(PeriodNotAllowed);
    spec.given([activated]).when(changePlan({ ...performance, planCode: 'web-hosting-pro' })).thenThrows(PlanChangeNotAllowed);
  });

  it('terminates at once on an EU withdrawal', () => {
    spec.given([activated]).when(withdraw).then([{ type: 'ServiceTerminated', data: { ...you, reason: 'withdrawal', terminatedAt: '2027-02-05T10:00:00.000Z' } }]);
  });

  it('is not due for termination in automatic mode', () => {
    spec.given([activated]).when(terminateWhenDue('2027-03-01T10:00:00.000Z')).thenNothingHappened();
  });
});

describe('an active service set to deleteAtExpiration', () => {
  const deleteAtExpiration: ServiceEvent = { type: 'ServiceRenewModeChanged', data: { ...you, renewMode: 'deleteAtExpiration', previousRenewMode: 'automatic', changedAt: '2027-02-01T10:00:00.000Z' } };

  it('is not terminated before its expiration date (in its subsidiary\'s calendar)', () => {
    // Feb 27 22:59 UTC is still Feb 27 in Paris
    spec.given([activated, deleteAtExpiration]).when(terminateWhenDue('2027-02-27T22:59:00.000Z')).thenNothingHappened();
  });

  it('terminates on its expiration date', () => {
    spec
      .given([activated, deleteAtExpiration])
      .when(terminateWhenDue('2027-02-27T23:00:00.000Z'))
      .then([{ type: 'ServiceTerminated', data: { ...you, reason: 'deleteAtExpiration', terminatedAt: '2027-02-27T23:00:00.000Z' } }]);
  });

  it('keeps its pending action when PUT repeats it', () => {
    spec.given([activated, deleteAtExpiration]).when(changeRenew({ terminationPolicy: 'terminateAtExpirationDate' })).thenNothingHappened();
  });
});

describe('an active service with a termination requested', () => {
  it('is confirmed with the token: terminates at its expiration by default', () => {
    spec
      .given([activated, requested()])
      .when(confirmTermination())
      .then([
        {
          type: 'ServiceTerminationConfirmed',
          data: { ...you, reason: 'TOO_EXPENSIVE', futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR', commentary: 'cheaper elsewhere', effective: 'atExpiration', effectiveDate: '2027-02-28', confirmedAt: '2027-02-02T10:00:00.000Z' },
        },
      ]);
  });

  it('terminates at once when asked to be immediate', () => {
    spec
      .given([activated, requested()])
      .when(confirmTermination({ immediate: true }))
      .then([
        {
          type: 'ServiceTerminationConfirmed',
          data: { ...you, reason: 'TOO_EXPENSIVE', futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR', commentary: 'cheaper elsewhere', effective: 'immediately', effectiveDate: '2027-02-02', confirmedAt: '2027-02-02T10:00:00.000Z' },
        },
        { type: 'ServiceTerminated', data: { ...you, reason: 'customerRequest', terminatedAt: '2027-02-02T10:00:00.000Z' } },
      ]);
  });

  it('refuses a wrong token', () => {
    spec.given([activated, requested()]).when(confirmTermination({ hash: 'b'.repeat(64) })).thenThrows(InvalidTerminationToken);
  });

  it('refuses the token once it has expired (48 hours)', () => {
    spec.given([activated, requested()]).when(confirmTermination({ confirmedAt: '2027-02-03T10:00:00.001Z' })).thenThrows(InvalidTerminationToken);
  });

  it('refuses the token a second time', () => {
    spec.given([activated, requested(), confirmedAtExpiration]).when(confirmTermination()).thenThrows(InvalidTerminationToken);
  });

  it('is cancelled, and the token dies with it', () => {
    spec.given([activated, requested()]).when(cancelTermination).then([{ type: 'ServiceTerminationCancelled', data: { ...you, cancelledAt: '2027-02-05T10:00:00.000Z' } }]);
    spec.given([activated, requested(), { type: 'ServiceTerminationCancelled', data: { ...you, cancelledAt: '2027-02-01T11:00:00.000Z' } }]).when(confirmTermination()).thenThrows(InvalidTerminationToken);
  });

  it('issues a new token on a new request, which replaces the first one', () => {
    const again = requestTermination(false, '2027-02-01T12:00:00.000Z') as Extract<ServiceCommand, { type: 'RequestTermination' }>;
    const second = { ...again, data: { ...again.data, requestId: 'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f', tokenHash: 'c'.repeat(64) } };
    spec.given([activated, requested(), { type: 'ServiceTerminationRequested', data: { ...second.data } }]).when(confirmTermination()).thenThrows(InvalidTerminationToken);
  });
});

describe('an active service with a termination scheduled at its expiration', () => {
  const history = [activated, requested(), confirmedAtExpiration];

  it('shows it in its settings, and PUT with terminationPolicy empty cancels it', () => {
    spec.given(history).when(changeRenew({ terminationPolicy: 'terminateAtExpirationDate' })).thenNothingHappened();
    spec.given(history).when(changeRenew({ terminationPolicy: 'empty' })).then([{ type: 'ServiceTerminationCancelled', data: { ...you, cancelledAt: '2027-02-01T10:00:00.000Z' } }]);
  });

  it('refuses another request until it is cancelled', () => {
    spec.given(history).when(requestTermination()).thenThrows(TerminationAlreadyScheduled);
  });

  it('is cancelled: it renews again', () => {
    spec.given(history).when(cancelTermination).then([{ type: 'ServiceTerminationCancelled', data: { ...you, cancelledAt: '2027-02-05T10:00:00.000Z' } }]);
  });

  it('terminates on its expiration date, for the customer', () => {
    spec.given(history).when(terminateWhenDue('2027-02-27T23:00:00.000Z')).then([{ type: 'ServiceTerminated', data: { ...you, reason: 'customerRequest', terminatedAt: '2027-02-27T23:00:00.000Z' } }]);
  });

  it('follows its expiration when a renewal paid before the confirmation extends it', () => {
    spec.given([...history, extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-02-27T06:00:00.000Z')]).when(terminateWhenDue('2027-03-01T10:00:00.000Z')).thenNothingHappened();
  });
});

describe('an active service engaged up to a date', () => {
  it('refuses a termination at an expiration before the engagement ends', () => {
    spec.given([engagedActivated]).when(requestTermination()).thenThrows(EngagementNotOver);
    spec.given([engagedActivated, requested()]).when(confirmTermination()).thenThrows(EngagementNotOver);
    spec.given([engagedActivated, requested()]).when(confirmTermination({ immediate: true })).thenThrows(EngagementNotOver);
  });

  it('refuses deleteAtExpiration while the expiration comes before the engagement ends', () => {
    spec.given([engagedActivated]).when(changeRenew({ renewMode: 'deleteAtExpiration' })).thenThrows(EngagementNotOver);
    spec
      .given([engagedActivated])
      .when(changeRenew({ renewMode: 'manual' }))
      .then([{ type: 'ServiceRenewModeChanged', data: { ...you, renewMode: 'manual', previousRenewMode: 'automatic', changedAt: '2027-02-01T10:00:00.000Z' } }]);
  });

  it('schedules the termination at the engagement date when asked', () => {
    spec.given([engagedActivated]).when(requestTermination(true)).then([requested(true)]);
    spec
      .given([engagedActivated, requested(true)])
      .when(confirmTermination())
      .then([
        {
          type: 'ServiceTerminationConfirmed',
          data: { ...you, reason: 'TOO_EXPENSIVE', futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR', commentary: 'cheaper elsewhere', effective: 'atEngagementEnd', effectiveDate: '2028-01-31', confirmedAt: '2027-02-02T10:00:00.000Z' },
        },
      ]);
  });

  it('terminates on its engagement date, not before', () => {
    const confirmedAtEngagementEnd: ServiceEvent = {
      type: 'ServiceTerminationConfirmed',
      data: { ...you, reason: 'TOO_EXPENSIVE', effective: 'atEngagementEnd', effectiveDate: '2028-01-31', confirmedAt: '2027-02-02T10:00:00.000Z' },
    };
    const history = [engagedActivated, requested(true), confirmedAtEngagementEnd];
    spec.given(history).when(terminateWhenDue('2027-03-01T10:00:00.000Z')).thenNothingHappened();
    spec.given(history).when(terminateWhenDue('2028-01-31T10:00:00.000Z')).then([{ type: 'ServiceTerminated', data: { ...you, reason: 'customerRequest', terminatedAt: '2028-01-31T10:00:00.000Z' } }]);
  });

  it('terminates immediately once the engagement is over', () => {
    spec.given([engagedActivated, requested()]).when(confirmTermination({ immediate: true, confirmedAt: '2028-02-01T10:00:00.000Z' })).thenThrows(InvalidTerminationToken);
    const lateRequest: ServiceEvent = { type: 'ServiceTerminationRequested', data: { ...(requested().data as Extract<ServiceEvent, { type: 'ServiceTerminationRequested' }>['data']), tokenExpiresAt: '2028-02-03T10:00:00.000Z' } };
    spec.given([engagedActivated, lateRequest]).when(confirmTermination({ immediate: true, confirmedAt: '2028-02-01T10:00:00.000Z' })).then([
      {
        type: 'ServiceTerminationConfirmed',
        data: { ...you, reason: 'TOO_EXPENSIVE', futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR', commentary: 'cheaper elsewhere', effective: 'immediately', effectiveDate: '2028-02-01', confirmedAt: '2028-02-01T10:00:00.000Z' },
      },
      { type: 'ServiceTerminated', data: { ...you, reason: 'customerRequest', terminatedAt: '2028-02-01T10:00:00.000Z' } },
    ]);
  });
});

describe('an active service under its legacy contract', () => {
  it('accepts the new contract in one click and renews automatically', () => {
    spec.given([imported(true)]).when(acceptContract).then([{ type: 'ServiceContractAccepted', data: { ...you, contractVersion: '2026-01', renewMode: 'automatic', acceptedAt: '2027-02-01T10:00:00.000Z' } }]);
  });

  it('accepts it once', () => {
    spec.given([imported(true), { type: 'ServiceContractAccepted', data: { ...you, contractVersion: '2026-01', renewMode: 'automatic', acceptedAt: '2027-02-01T10:00:00.000Z' } }]).when(acceptContract).thenNothingHappened();
  });

  it('refuses automatic renewal before the contract is accepted', () => {
    spec.given([imported(true)]).when(changeRenew({ renewMode: 'automatic' })).thenThrows(ContractNotAccepted);
  });

  it('terminates at its expiration when the contract was not accepted', () => {
    spec.given([imported(true)]).when(terminateWhenDue('2027-06-14T10:00:00.000Z')).thenNothingHappened();
    spec.given([imported(true)]).when(terminateWhenDue('2027-06-15T10:00:00.000Z')).then([{ type: 'ServiceTerminated', data: { ...you, reason: 'contractNotAccepted', terminatedAt: '2027-06-15T10:00:00.000Z' } }]);
  });

  it('does not terminate once accepted', () => {
    spec
      .given([imported(true), { type: 'ServiceContractAccepted', data: { ...you, contractVersion: '2026-01', renewMode: 'automatic', acceptedAt: '2027-02-01T10:00:00.000Z' } }])
      .when(terminateWhenDue('2027-06-15T10:00:00.000Z'))
      .thenNothingHappened();
  });

  it('is extended from its expiration date, its anchor', () => {
    spec.given([imported(true)]).when(renewalSucceeded()).then([extended(renewalTermId, '2027-06-15', '2028-06-15', '2027-02-27T06:00:00.000Z')]);
  });
});

describe('an unpaid service', () => {
  const history = [activated, markedUnpaid];

  it('is suspended when the payment deadline passes', () => {
    spec.given(history).when(deadlinePassed).then([suspended]);
  });

  it('is marked unpaid once', () => {
    spec.given(history).when(renewalLapsed()).thenNothingHappened();
  });

  it('is reopened on its original anchor when paid late', () => {
    spec
      .given(history)
      .when(renewalSucceeded(renewalTermId, '2027-03-02T10:00:00.000Z'))
      .then([
        extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-03-02T10:00:00.000Z'),
        { type: 'ServiceReopened', data: { ...you, renewalTermId, expirationDate: '2027-03-31', reopenedAt: '2027-03-02T10:00:00.000Z' } },
      ]);
  });

  it('can still be terminated by its customer', () => {
    spec.given(history).when(requestTermination()).then([requested()]);
  });

  it('refuses a plan change', () => {
    spec.given(history).when(changePlan()).thenThrows(ServiceNotActive);
  });
});

describe('a suspended service (rupture)', () => {
  const history = [activated, markedUnpaid, suspended];

  it('is reopened on its original anchor when paid late', () => {
    spec
      .given(history)
      .when(renewalSucceeded(renewalTermId, '2027-03-10T10:00:00.000Z'))
      .then([
        extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-03-10T10:00:00.000Z'),
        { type: 'ServiceReopened', data: { ...you, renewalTermId, expirationDate: '2027-03-31', reopenedAt: '2027-03-10T10:00:00.000Z' } },
      ]);
  });

  it('is suspended once', () => {
    spec.given(history).when(deadlinePassed).thenNothingHappened();
  });

  it('terminates when the grace period ends unpaid', () => {
    spec.given(history).when(gracePeriodEnded).then([terminated()]);
  });
});

describe('a terminated service', () => {
  const history = [activated, markedUnpaid, suspended, terminated()];

  it('stays terminated: late payments, renewal facts and schedules change nothing', () => {
    spec.given(history).when(renewalSucceeded()).thenNothingHappened();
    spec.given(history).when(gracePeriodEnded).thenNothingHappened();
    spec.given(history).when(deadlinePassed).thenNothingHappened();
    spec.given(history).when(terminateWhenDue('2027-04-01T10:00:00.000Z')).thenNothingHappened();
    spec.given(history).when(withdraw).thenNothingHappened();
  });

  it('refuses every customer command', () => {
    spec.given(history).when(changeRenew({ renewMode: 'manual' })).thenThrows(ServiceTerminatedRefusal);
    spec.given(history).when(requestTermination()).thenThrows(ServiceTerminatedRefusal);
    spec.given(history).when(confirmTermination()).thenThrows(ServiceTerminatedRefusal);
    spec.given(history).when(cancelTermination).thenThrows(ServiceTerminatedRefusal);
    spec.given(history).when(changePlan()).thenThrows(ServiceTerminatedRefusal);
    spec.given([imported(true), terminated()]).when(acceptContract).thenThrows(ServiceTerminatedRefusal);
  });

  it('is still not found for another customer', () => {
    spec.given(history).when(changeRenew({ renewMode: 'manual' }, intruder)).thenThrows(ServiceNotFound);
  });
});

describe('its state, as a snapshot keeps it (JSON)', () => {
  const histories: Record<string, ServiceEvent[]> = {
    'engaged, renewed twice, termination requested': [
      engagedActivated,
      extended(renewalTermId, '2027-02-28', '2027-03-31', '2027-02-27T06:00:00.000Z'),
      extended(nextRenewalTermId, '2027-03-31', '2027-04-30', '2027-03-30T06:00:00.000Z'),
      requested(true),
    ],
    'legacy, termination confirmed at expiration': [imported(true), requested(), confirmedAtExpiration],
    'unpaid, suspended, terminated': [activated, markedUnpaid, suspended, terminated()],
  };

  it.each(Object.keys(histories))('%s: folds to a state that JSON gives back as it was, deciding the same', (name) => {
    let state = serviceDecider.initialState();
    for (const event of histories[name]) {
      state = serviceDecider.evolve(state, event);
      const kept = JSON.parse(JSON.stringify(state)) as typeof state;
      expect(kept).toStrictEqual(state);
      for (const command of [renewalSucceeded('3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d'), changeRenew({ renewMode: 'manual' }), renewalLapsed()]) {
        const decide = (on: typeof state) => {
          try {
            return serviceDecider.decide(command, on);
          } catch (error) {
            return error;
          }
        };
        expect(decide(kept)).toStrictEqual(decide(state));
      }
    }
  });
});
