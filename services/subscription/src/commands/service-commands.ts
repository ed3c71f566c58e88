// Runs the Service aggregate's commands: stamps time and ids, resolves what the catalog says,
// mints termination tokens, and appends through the command handler (the outbox relay publishes
// what is appended). HTTP, the reactions to other services' events and the termination
// scheduler all come through here.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  daysBetween,
  engagementEndDate,
  isSubsidiaryCode,
  parseMoney,
  monthsInPeriod,
  shippedCatalog,
  subsidiary,
  termEnd,
  toSubsidiaryDate,
  type Period,
  type SubsidiaryCode,
} from '@billing/billing-kernel';
import type { EventEnvelope, EventMetadata, OrderDelivered, OrderWithdrawn } from '@billing/contracts';
import { BatchCommandHandler, CommandHandler, derivedEventId, foldEvents, newTimeOrderedId, PostgresEventStore, type EventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import { Temporal } from 'temporal-polyfill';
import { monthsOfDuration, planOn, productOf, renewOfferOf, targetPlanOf } from '../catalog/plan-offers';
import { SERVICE_SNAPSHOTS, serviceStreamId, type Engagement, type ExistingServiceState, type RenewMode, type ServiceEvent, type ServicePlanChanged, type ServiceState, type TerminationFutureUse, type TerminationReason } from '../domain/service';
import { planChangeOf, serviceDecider, type ServiceCommand, type TerminationPolicy } from '../domain/service.decide';
import { ServiceNotFound } from '../domain/service-refusals';
import { SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from '../subscription-settings';
import { serviceIdOfDeliveredUnit } from './service-ids';
import { TerminationTokens } from './termination-tokens';

export type RenewSettingsRequest = Readonly<{ renew?: Readonly<{ mode?: RenewMode; period?: Period }>; terminationPolicy?: TerminationPolicy }>;

export type TerminationConfirmation = Readonly<{
  token: string;
  reason: TerminationReason;
  futureUse?: TerminationFutureUse;
  commentary?: string;
  immediate?: boolean;
  terminateAtEngagementDate?: boolean;
}>;

/** A plan change as it would be (simulation) or was decided: the one invoice's credit and charge. */
export type PlanChangeQuote = Readonly<{ change: ServicePlanChanged['data']; remainingDays: number; daysInTerm: number }>;

/** What renewal reports about a term, as a command of ours (the renewal reaction builds it). */
export type RenewalOutcomeCommand = Extract<
  ServiceCommand,
  { type: 'RecordRenewalSucceeded' | 'RecordRenewalLapsed' | 'RecordRenewalPaymentDeadlinePassed' | 'RecordRenewalGracePeriodEnded' }
>;

type ServiceCommandHandler = CommandHandler<ServiceCommand, ServiceEvent, ServiceState>;

/** A renewal outcome to record, with the event that reported it. */
export type ReportedRenewalOutcome = Readonly<{ command: RenewalOutcomeCommand; cause: EventEnvelope; reportedExpirationDate?: string }>;

@Injectable()
export class ServiceCommands {
  private readonly logger = new Logger(ServiceCommands.name);
  private readonly handler: ServiceCommandHandler;
  /**
   * Runs of renewal outcomes in two statements (PostgreSQL store only; else one by one). A service
   * renews once a period for years, long out of any cache by its next renewal: its run starts from
   * the stream's snapshot, taken every SERVICE_SNAPSHOTS.every events, not from its whole history.
   */
  private readonly batches?: BatchCommandHandler<ServiceCommand, ServiceEvent, ServiceState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tokens: TerminationTokens,
    @Inject(SUBSCRIPTION_SETTINGS) private readonly settings: SubscriptionSettings,
  ) {
    this.handler = new CommandHandler(store, serviceDecider);
    this.batches = store instanceof PostgresEventStore ? new BatchCommandHandler(store, serviceDecider, { snapshots: SERVICE_SNAPSHOTS }) : undefined;
  }

  /** Instants as events carry them: UTC, milliseconds. */
  now(): string {
    return instantText(this.clock.now());
  }

  /** The subsidiary's calendar date now. */
  todayIn(code: string): string {
    return toSubsidiaryDate(this.clock.now(), subsidiary(code as SubsidiaryCode)).toString();
  }

  async load(serviceId: string): Promise<ServiceState> {
    const { events } = await this.store.readStream<ServiceEvent>(serviceStreamId(serviceId));
    return foldEvents(serviceDecider, events.map(({ type, data }) => ({ type, data }) as ServiceEvent));
  }

  /** The service if it is this customer's; someone else's is not found. */
  async loadOwned(customerId: string, serviceId: string): Promise<ExistingServiceState> {
    const state = await this.load(serviceId);
    if (state.status === 'initial' || state.customerId !== customerId) throw new ServiceNotFound(serviceId);
    return state;
  }

  // ── the customer's commands ──

  async changeRenewSettings(customerId: string, serviceId: string, request: RenewSettingsRequest): Promise<ExistingServiceState> {
    const service = await this.loadOwned(customerId, serviceId);
    const offer = renewOfferOf(shippedCatalog, service.planCode, service.subsidiary, this.todayIn(service.subsidiary));
    return this.run(customerId, {
      type: 'ChangeRenewSettings',
      data: {
        serviceId,
        customerId,
        ...(request.renew?.mode ? { renewMode: request.renew.mode } : {}),
        ...(request.renew?.period ? { period: request.renew.period } : {}),
        ...(request.terminationPolicy ? { terminationPolicy: request.terminationPolicy } : {}),
        offer,
        changedAt: this.now(),
      },
    });
  }

  /**
   * Issues a one-time token and publishes it in the notification event only: the answer says
   * until when it is valid, never what it is.
   */
  async requestTermination(customerId: string, serviceId: string, atEngagementEnd: boolean): Promise<{ tokenExpiresAt: string }> {
    const requestId = randomUUID();
    const requestedAt = this.clock.now();
    const tokenExpiresAt = requestedAt.add({ hours: this.settings.terminationTokenTtlHours }).toString({ fractionalSecondDigits: 3 });
    await this.run(customerId, {
      type: 'RequestTermination',
      data: {
        serviceId,
        customerId,
        requestId,
        tokenHash: TerminationTokens.hashOf(this.tokens.tokenOf(serviceId, requestId)),
        tokenExpiresAt,
        atEngagementEnd,
        requestedAt: instantText(requestedAt),
      },
    });
    return { tokenExpiresAt };
  }

  confirmTermination(customerId: string, serviceId: string, confirmation: TerminationConfirmation): Promise<ExistingServiceState> {
    return this.run(customerId, {
      type: 'ConfirmTermination',
      data: {
        serviceId,
        customerId,
        tokenHash: TerminationTokens.hashOf(confirmation.token),
        reason: confirmation.reason,
        ...(confirmation.futureUse ? { futureUse: confirmation.futureUse } : {}),
        ...(confirmation.commentary ? { commentary: confirmation.commentary } : {}),
        immediate: confirmation.immediate ?? false,
        atEngagementEnd: confirmation.terminateAtEngagementDate ?? false,
        confirmedAt: this.now(),
      },
    });
  }

  cancelTermination(customerId: string, serviceId: string): Promise<ExistingServiceState> {
    return this.run(customerId, { type: 'CancelTermination', data: { serviceId, customerId, cancelledAt: this.now() } });
  }

  acceptContract(customerId: string, serviceId: string): Promise<ExistingServiceState> {
    return this.run(customerId, { type: 'AcceptContract', data: { serviceId, customerId, contractVersion: this.settings.contractVersion, acceptedAt: this.now() } });
  }

  /** The plan change as it would be decided now: the same function decides the change itself. */
  async simulatePlanChange(customerId: string, serviceId: string, planCode: string): Promise<PlanChangeQuote> {
    const service = await this.loadOwned(customerId, serviceId);
    return quoteOf(planChangeOf(service, this.planChangeCommand(service, planCode, randomUUID(), this.now())));
  }

  async changePlan(customerId: string, serviceId: string, planCode: string): Promise<PlanChangeQuote> {
    const service = await this.loadOwned(customerId, serviceId);
    const result = await this.handler.handle(
      serviceStreamId(serviceId),
      { type: 'ChangePlan', data: this.planChangeCommand(service, planCode, newTimeOrderedId(), this.now()) },
      this.metadata(customerId),
    );
    const changed = result.newEvents.find((event) => event.type === 'ServicePlanChanged');
    if (changed?.type !== 'ServicePlanChanged') throw new Error(`the plan change of service ${serviceId} decided no ServicePlanChanged`);
    return quoteOf(changed.data);
  }

  private planChangeCommand(service: ExistingServiceState, planCode: string, planChangeId: string, changedAt: string) {
    const today = this.todayIn(service.subsidiary);
    return {
      serviceId: service.serviceId,
      customerId: service.customerId,
      planChangeId,
      currentProduct: productOf(shippedCatalog, service.planCode, today),
      target: targetPlanOf(shippedCatalog, planCode, service.subsidiary, service.period, today),
      changedAt,
    };
  }

  // ── what other services report ──

  /**
   * One service per delivered unit: item × quantity, anchored on the delivery date in the
   * subsidiary's calendar. Ids derive from (order, item, unit): a repeated delivery creates nothing.
   */
  async activateDeliveredOrder(event: EventEnvelope<'OrderDelivered', OrderDelivered>): Promise<number> {
    const { orderId, customerId, items, deliveredAt } = event.data;
    if (!isSubsidiaryCode(event.data.subsidiary)) {
      this.logger.warn({ msg: 'OrderDelivered for an unknown subsidiary: no service created', eventId: event.eventId, subsidiary: event.data.subsidiary });
      return 0;
    }
    const seller = event.data.subsidiary;
    const anchor = toSubsidiaryDate(Temporal.Instant.from(deliveredAt), subsidiary(seller));
    let created = 0;
    for (const item of items) {
      const engagement = item.engagementDuration ? engagementOf(item.planCode, item.engagementDuration, anchor) : undefined;
      for (let index = 0; index < item.quantity; index++) {
        const serviceId = serviceIdOfDeliveredUnit(orderId, item.itemId, index);
        const result = await this.runCausedBy(event, customerId, {
          type: 'ActivateService',
          data: {
            serviceId,
            customerId,
            orderId,
            itemId: item.itemId,
            subsidiary: seller,
            universe: item.universe,
            planCode: item.planCode,
            period: item.period,
            price: parseMoney(item.unitPrice),
            anchorDate: anchor.toString(),
            expirationDate: termEnd(anchor, item.period, 1).toString(),
            renewMode: 'automatic',
            ...(engagement ? { engagement } : {}),
            activatedAt: deliveredAt,
          },
        });
        created += result.length;
      }
    }
    return created;
  }

  /** EU withdrawal: every service delivered from the withdrawn items ends at once. */
  async withdrawDeliveredItems(event: EventEnvelope<'OrderWithdrawn', OrderWithdrawn>): Promise<void> {
    const { orderId, customerId, itemIds, withdrawnAt } = event.data;
    for (const itemId of itemIds) {
      // the units of an item are numbered from 0: the first id without a stream ends the item
      for (let index = 0; ; index++) {
        const serviceId = serviceIdOfDeliveredUnit(orderId, itemId, index);
        if ((await this.load(serviceId)).status === 'initial') break;
        await this.recordFact(event, { type: 'WithdrawService', data: { serviceId, customerId, withdrawnAt } });
      }
    }
  }

  /** Applies renewal's outcome for one of our services; a service that is not ours (or unknown) is ignored. */
  async recordRenewalOutcome(command: RenewalOutcomeCommand, cause: EventEnvelope, reportedExpirationDate?: string): Promise<void> {
    this.checkExpiration(command, await this.recordFact(cause, command), reportedExpirationDate);
  }

  /**
   * `recordRenewalOutcome` for each, in order, with one read and one append for the run (the
   * event ids those one-by-one commands would give). A service that moved meanwhile sends the
   * run one by one, which reads again. A run of one goes the same way: from the service's snapshot.
   */
  async recordRenewalOutcomes(outcomes: readonly ReportedRenewalOutcome[]): Promise<void> {
    if (!this.batches) {
      for (const { command, cause, reportedExpirationDate } of outcomes) await this.recordRenewalOutcome(command, cause, reportedExpirationDate);
      return;
    }
    const results = await this.batches.handleAllOrEach(
      outcomes.map(({ command, cause }) => ({
        streamId: serviceStreamId(command.data.serviceId),
        command,
        metadata: this.metadata(command.data.customerId, cause),
        eventId: (index: number) => derivedEventId(cause.eventId, `${command.data.serviceId}/${index}`),
      })),
      (index) => this.recordRenewalOutcome(outcomes[index].command, outcomes[index].cause, outcomes[index].reportedExpirationDate),
    );
    results?.forEach((result, index) => {
      const { command, cause, reportedExpirationDate } = outcomes[index];
      if (result.kind === 'decided') return this.checkExpiration(command, result.newEvents, reportedExpirationDate);
      if (!(result.error instanceof ServiceNotFound)) throw result.error;
      this.logger.warn({ msg: "event about a service that is not this customer's (or unknown): ignored", type: cause.type, eventId: cause.eventId, serviceId: command.data.serviceId });
    });
  }

  private checkExpiration(command: RenewalOutcomeCommand, events: readonly ServiceEvent[], reportedExpirationDate?: string): void {
    const extended = events.find((event) => event.type === 'ServiceExpirationExtended');
    if (extended && reportedExpirationDate && extended.data.expirationDate !== reportedExpirationDate) {
      // ours is counted from the anchor; a different date on renewal's side is a bug to look at
      this.logger.warn({ msg: 'renewal reported another expiration than the anchored one', serviceId: command.data.serviceId, ours: extended.data.expirationDate, reported: reportedExpirationDate });
    }
  }

  /** The scheduler's command: ends the service if something scheduled ends it today or earlier. */
  async terminateIfDue(customerId: string, serviceId: string): Promise<boolean> {
    try {
      const result = await this.handler.handle(serviceStreamId(serviceId), { type: 'TerminateWhenDue', data: { serviceId, customerId, at: this.now() } }, this.metadata(customerId));
      return result.newEvents.length > 0;
    } catch (error) {
      if (error instanceof ServiceNotFound) return false;
      throw error;
    }
  }

  private async recordFact(cause: EventEnvelope, command: ServiceCommand): Promise<readonly ServiceEvent[]> {
    try {
      return await this.runCausedBy(cause, command.data.customerId, command);
    } catch (error) {
      if (!(error instanceof ServiceNotFound)) throw error;
      this.logger.warn({ msg: 'event about a service that is not this customer\'s (or unknown): ignored', type: cause.type, eventId: cause.eventId, serviceId: command.data.serviceId });
      return [];
    }
  }

  /** Appends with ids derived from the cause's id, so a redelivery after a crash appends nothing twice. */
  private async runCausedBy(cause: EventEnvelope, customerId: string, command: ServiceCommand): Promise<readonly ServiceEvent[]> {
    let sequence = 0;
    const handler: ServiceCommandHandler = new CommandHandler(this.store, serviceDecider, {
      newEventId: () => derivedEventId(cause.eventId, `${command.data.serviceId}/${sequence++}`),
    });
    const result = await handler.handle(serviceStreamId(command.data.serviceId), command, this.metadata(customerId, cause));
    return result.newEvents;
  }

  private async run(customerId: string, command: ServiceCommand): Promise<ExistingServiceState> {
    const result = await this.handler.handle(serviceStreamId(command.data.serviceId), command, this.metadata(customerId));
    return result.newState as ExistingServiceState;
  }

  private metadata(customerId: string, cause?: EventEnvelope): EventMetadata {
    return {
      correlationId: cause?.metadata.correlationId ?? randomUUID(),
      ...(cause ? { causationId: cause.eventId } : {}),
      occurredAt: this.now(),
      partitionKey: customerId,
      ...(cause?.metadata.traceparent ? { traceparent: cause.metadata.traceparent } : {}),
    };
  }
}

function quoteOf(change: ServicePlanChanged['data']): PlanChangeQuote {
  return {
    change,
    remainingDays: daysBetween(Temporal.PlainDate.from(change.effectiveDate), Temporal.PlainDate.from(change.expirationDate)),
    daysInTerm: daysBetween(Temporal.PlainDate.from(change.termStartDate), Temporal.PlainDate.from(change.expirationDate)),
  };
}

/** The commitment an item was ordered with: until the anchor plus the catalog option's duration. */
function engagementOf(planCode: string, duration: string, anchor: Temporal.PlainDate): Engagement {
  const months = monthsOfDuration(duration);
  const option = planOn(shippedCatalog, planCode, anchor.toString())?.engagements.find((engagement) => monthsInPeriod(engagement.duration) === months);
  const engagedUpTo = option ? engagementEndDate(anchor, option) : anchor.add(Temporal.Duration.from(duration));
  return { duration, engagedUpTo: engagedUpTo.toString() };
}
