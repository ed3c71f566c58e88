// Turns subscription's facts about services into the renewal schedule: a service activated or
// imported gets its next term scheduled; its renew mode, period, plan, pending termination and
// contract acceptance reschedule its open term; its end cancels what was left. Rows and the
// processed event commit together; a term's stream events have step-derived ids.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Reaction } from '@billing/messaging';
import type { EntityManager } from 'typeorm';
import { RENEWAL_TOPICS, type RenewalTopics } from '../renewal-policy';
import { RenewalSchedule } from '../schedule/renewal-schedule.service';
import { sqlOf, type ServiceRow } from '../schedule/schedule-rows';
import { servicesTopicEvents, type ServicesTopicEnvelope } from './topic-events';

type Handled = Extract<
  ServicesTopicEnvelope,
  {
    type:
      | 'ServiceActivated'
      | 'ServiceImported'
      | 'ServiceContractAccepted'
      | 'ServiceRenewModeChanged'
      | 'ServiceRenewPeriodChanged'
      | 'ServiceExpirationExtended'
      | 'ServicePlanChanged'
      | 'ServiceTerminationConfirmed'
      | 'ServiceTerminationCancelled'
      | 'ServiceTerminated';
  }
>;

@Injectable()
export class ServiceLifecycleReaction implements Reaction<ServicesTopicEnvelope> {
  readonly name = 'service-lifecycle';
  readonly events = servicesTopicEvents;
  readonly handles: Handled['type'][] = [
    'ServiceActivated',
    'ServiceImported',
    'ServiceContractAccepted',
    'ServiceRenewModeChanged',
    'ServiceRenewPeriodChanged',
    'ServiceExpirationExtended',
    'ServicePlanChanged',
    'ServiceTerminationConfirmed',
    'ServiceTerminationCancelled',
    'ServiceTerminated',
  ];
  // a fresh consumer group must not miss services activated before it joined
  readonly fromBeginning = true;
  readonly topics: readonly string[];

  constructor(
    @Inject(RENEWAL_TOPICS) topics: RenewalTopics,
    private readonly schedule: RenewalSchedule,
  ) {
    this.topics = [topics.services];
  }

  /**
   * A run's events in order, each as `react` applies it, but with one read for the run's expiration
   * extensions: those the schedule has reached already (renewal's own, extended when the payment
   * came) pass without locking their service.
   */
  async reactToRun(events: readonly ConsumedEvent<ServicesTopicEnvelope>[], manager: EntityManager): Promise<void> {
    const extensions = events.filter((event): event is ConsumedEvent<Extract<Handled, { type: 'ServiceExpirationExtended' }>> => event.type === 'ServiceExpirationExtended');
    const reached = extensions.length > 1 ? await this.schedule.expirationsReached(sqlOf(manager), extensions.map(({ data }) => data)) : new Set<string>();
    for (const event of events) {
      if (event.type === 'ServiceExpirationExtended' && reached.has((event as ConsumedEvent<Handled>).data.serviceId)) continue;
      await this.react(event, manager);
    }
  }

  async react(event: ConsumedEvent<ServicesTopicEnvelope>, manager: EntityManager): Promise<void> {
    const sql = sqlOf(manager);
    const handled = event as ConsumedEvent<Handled>;
    switch (handled.type) {
      case 'ServiceActivated':
      case 'ServiceImported': {
        const { data } = handled;
        const service: ServiceRow = {
          serviceId: data.serviceId,
          customerId: data.customerId,
          subsidiary: data.subsidiary,
          universe: data.universe,
          currency: data.price.currency,
          planCode: data.planCode,
          period: data.period,
          price: data.price.value,
          anchorDate: data.anchorDate,
          expirationDate: data.expirationDate,
          renewMode: data.renewMode,
          legacy: handled.type === 'ServiceImported' ? handled.data.legacy : false,
          terminationDate: null,
          state: 'active',
        };
        return this.schedule.serviceStarted(sql, service);
      }
      case 'ServiceContractAccepted':
        return this.schedule.serviceChanged(sql, handled.data.serviceId, (service) => ({ ...service, legacy: false, renewMode: handled.data.renewMode }), event);
      case 'ServiceRenewModeChanged':
        return this.schedule.serviceChanged(sql, handled.data.serviceId, (service) => ({ ...service, renewMode: handled.data.renewMode }), event);
      case 'ServiceRenewPeriodChanged': {
        const { period, price } = handled.data;
        return this.schedule.serviceChanged(sql, handled.data.serviceId, (service) => ({ ...service, period, price: price.value, currency: price.currency }), event);
      }
      case 'ServicePlanChanged': {
        const { planCode, universe, price } = handled.data;
        return this.schedule.serviceChanged(sql, handled.data.serviceId, (service) => ({ ...service, planCode, universe, price: price.value, currency: price.currency }), event);
      }
      case 'ServiceTerminationConfirmed':
        return this.schedule.serviceChanged(sql, handled.data.serviceId, (service) => ({ ...service, terminationDate: handled.data.effectiveDate }), event);
      case 'ServiceTerminationCancelled':
        return this.schedule.serviceChanged(sql, handled.data.serviceId, (service) => ({ ...service, terminationDate: null }), event);
      case 'ServiceExpirationExtended':
        return this.schedule.expirationExtended(sql, handled.data.serviceId, handled.data.expirationDate, event);
      case 'ServiceTerminated':
        return this.schedule.serviceTerminated(sql, handled.data.serviceId, event);
    }
  }
}
