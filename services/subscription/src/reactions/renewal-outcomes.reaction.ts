// What renewal reports about a term becomes the service's lifecycle: paid → extended (and
// reopened if it was unpaid or suspended), lapsed → unpaid, deadline passed → suspended
// (rupture), grace period ended → terminated. The facts carry the term and the expiration they
// are about; one about a term the service is no longer in changes nothing.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import { ServiceCommands, type RenewalOutcomeCommand, type ReportedRenewalOutcome } from '../commands/service-commands';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopics } from '../subscription-topics';
import { renewalsTopicEvents, type RenewalsTopicEnvelope } from '../topic-events/renewals-topic-events';

@Injectable()
export class RenewalOutcomesReaction implements Reaction<RenewalsTopicEnvelope> {
  readonly name = 'renewal-outcomes';
  readonly events = renewalsTopicEvents;
  readonly handles: RenewalsTopicEnvelope['type'][] = ['RenewalSucceeded', 'RenewalLapsed', 'RenewalPaymentDeadlinePassed', 'RenewalGracePeriodEnded'];
  readonly idempotency = 'check-then-record' as const;
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(SUBSCRIPTION_TOPICS) topics: SubscriptionTopics,
    private readonly services: ServiceCommands,
  ) {
    this.topics = [topics.renewals];
  }

  react(event: ConsumedEvent<RenewalsTopicEnvelope>): Promise<void> {
    return this.reactToRun([event]);
  }

  /** A run's outcomes recorded together: one read of their services, one append. */
  async reactToRun(events: readonly ConsumedEvent<RenewalsTopicEnvelope>[]): Promise<void> {
    const outcomes: ReportedRenewalOutcome[] = [];
    for (const event of events) {
      const command = commandFor(event);
      if (command) outcomes.push({ command, cause: event, ...(event.type === 'RenewalSucceeded' ? { reportedExpirationDate: event.data.newExpirationDate } : {}) });
    }
    await this.services.recordRenewalOutcomes(outcomes);
  }
}

function commandFor(event: RenewalsTopicEnvelope): RenewalOutcomeCommand | undefined {
  switch (event.type) {
    case 'RenewalSucceeded': {
      const { serviceId, customerId, renewalTermId, succeededAt } = event.data;
      return { type: 'RecordRenewalSucceeded', data: { serviceId, customerId, renewalTermId, succeededAt } };
    }
    case 'RenewalLapsed': {
      const { serviceId, customerId, renewalTermId, expirationDate, lapsedAt } = event.data;
      return { type: 'RecordRenewalLapsed', data: { serviceId, customerId, renewalTermId, expirationDate, lapsedAt } };
    }
    case 'RenewalPaymentDeadlinePassed': {
      const { serviceId, customerId, renewalTermId, expirationDate, passedAt } = event.data;
      return { type: 'RecordRenewalPaymentDeadlinePassed', data: { serviceId, customerId, renewalTermId, expirationDate, passedAt } };
    }
    case 'RenewalGracePeriodEnded': {
      const { serviceId, customerId, renewalTermId, expirationDate, endedAt } = event.data;
      return { type: 'RecordRenewalGracePeriodEnded', data: { serviceId, customerId, renewalTermId, expirationDate, endedAt } };
    }
    default:
      return undefined;
  }
}
