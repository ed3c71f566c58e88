// Projects billing.services.v1 into the services read model. Row writes and the partition's
// position commit together (messaging's exactly-once projection); a customer's events arrive in
// order on one partition. Each row also carries the date something ends the service on its own
// (termination_due_date), recomputed from the row after every event, for the scheduler.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Projection } from '@billing/messaging';
import type { EntityManager } from 'typeorm';
import { scheduledEnd } from '../../domain/service-terms';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopics } from '../../subscription-topics';
import { ServiceRecord } from './service-record.entity';
import { servicesTopicEvents, type ServicesTopicEnvelope } from '../../topic-events/services-topic-events';

type Creation = Extract<ServicesTopicEnvelope, { type: 'ServiceActivated' | 'ServiceImported' }>;
type Change = Exclude<ServicesTopicEnvelope, Creation>;

/** The row's fields an event changes; the termination schedule is derived from the result. */
function changesOf(event: Change): Partial<ServiceRecord> | undefined {
  switch (event.type) {
    case 'ServiceContractAccepted':
      return { legacyContract: false, renewMode: event.data.renewMode };
    case 'ServiceRenewModeChanged':
      return { renewMode: event.data.renewMode };
    case 'ServiceRenewPeriodChanged':
      return { period: event.data.period, price: event.data.price.value };
    case 'ServiceExpirationExtended':
      return { expirationDate: event.data.expirationDate, status: 'active' };
    case 'ServicePlanChanged':
      return { planCode: event.data.planCode, universe: event.data.universe, price: event.data.price.value };
    case 'ServiceTerminationConfirmed':
      return event.data.effective === 'immediately' ? undefined : { scheduledTermination: event.data.effective };
    case 'ServiceTerminationCancelled':
      return { scheduledTermination: null };
    case 'ServiceMarkedUnpaid':
      return { status: 'unpaid' };
    case 'ServiceSuspended':
      return { status: 'rupture' };
    case 'ServiceReopened':
      return { status: 'active', expirationDate: event.data.expirationDate };
    case 'ServiceTerminated':
      return { status: 'terminated', scheduledTermination: null, endReason: event.data.reason };
    case 'ServiceTerminationRequested':
      return undefined;
  }
}

function recordOf(event: Creation): ServiceRecord {
  const { data } = event;
  const at = new Date(event.metadata.occurredAt);
  const record: ServiceRecord = Object.assign(new ServiceRecord(), {
    serviceId: data.serviceId,
    customerId: data.customerId,
    subsidiary: data.subsidiary,
    universe: data.universe,
    planCode: data.planCode,
    period: data.period,
    price: data.price.value,
    currency: data.price.currency,
    anchorDate: data.anchorDate,
    expirationDate: data.expirationDate,
    renewMode: data.renewMode,
    status: 'active',
    legacyContract: event.type === 'ServiceImported' && event.data.legacy,
    scheduledTermination: null,
    engagementDuration: data.engagement?.duration ?? null,
    engagedUpTo: data.engagement?.engagedUpTo ?? null,
    orderId: event.type === 'ServiceActivated' ? event.data.orderId : null,
    itemId: event.type === 'ServiceActivated' ? event.data.itemId : null,
    legacyServiceId: event.type === 'ServiceImported' ? event.data.legacyServiceId : null,
    endReason: null,
    createdAt: at,
    updatedAt: at,
  });
  return withTerminationSchedule(record);
}

function withTerminationSchedule(record: ServiceRecord): ServiceRecord {
  const due = scheduledEnd({
    status: record.status,
    renewMode: record.renewMode,
    legacyContract: record.legacyContract,
    ...(record.scheduledTermination ? { scheduledTermination: record.scheduledTermination } : {}),
    expirationDate: record.expirationDate,
    ...(record.engagedUpTo ? { engagedUpTo: record.engagedUpTo } : {}),
  });
  record.terminationDueDate = due?.date ?? null;
  record.terminationDueReason = due?.reason ?? null;
  return record;
}

@Injectable()
export class ServicesProjection implements Projection<ServicesTopicEnvelope> {
  readonly name = 'services';
  readonly events = servicesTopicEvents;
  readonly readModelTables = ['services'];
  readonly topics: readonly string[];

  constructor(@Inject(SUBSCRIPTION_TOPICS) topics: SubscriptionTopics) {
    this.topics = [topics.services];
  }

  async project(events: readonly ConsumedEvent<ServicesTopicEnvelope>[], manager: EntityManager): Promise<void> {
    // new services arrive in bulk (an import, a large order): one multi-row insert per run of them
    let creations: ServiceRecord[] = [];
    const flush = async () => {
      if (creations.length === 0) return;
      await manager.createQueryBuilder().insert().into(ServiceRecord).values(creations).orIgnore().execute();
      creations = [];
    };
    for (const event of events) {
      if (event.type === 'ServiceActivated' || event.type === 'ServiceImported') {
        creations.push(recordOf(event));
        continue;
      }
      await flush();
      await this.apply(event, manager);
    }
    await flush();
  }

  private async apply(event: Change, manager: EntityManager): Promise<void> {
    const changes = changesOf(event);
    if (!changes) return;
    const record = await manager.findOne(ServiceRecord, { where: { serviceId: event.data.serviceId }, lock: { mode: 'pessimistic_write' } });
    if (!record) return;
    const updated = withTerminationSchedule(Object.assign(record, changes, { updatedAt: new Date(event.metadata.occurredAt) }));
    await manager.update(ServiceRecord, { serviceId: record.serviceId }, {
      ...changes,
      terminationDueDate: updated.terminationDueDate,
      terminationDueReason: updated.terminationDueReason,
      updatedAt: updated.updatedAt,
    });
  }
}
