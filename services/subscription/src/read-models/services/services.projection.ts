// Projects billing.services.v1 into the services read model. Row writes and the partition's
// position commit together (messaging's exactly-once projection); a customer's events arrive in
// order on one partition. Each row also carries the date something ends the service on its own
// (termination_due_date), recomputed from the row after every event, for the scheduler.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Projection } from '@billing/messaging';
import { namedStatement, runStatementWith } from '@billing/eventsourcing';
import { In, type EntityManager } from 'typeorm';
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

/** The columns an event can change, written back for a run's changed rows in one statement. */
const writeBackSql = namedStatement(
  'services_projection_write_back',
  `UPDATE services s
      SET legacy_contract = r.legacy_contract, renew_mode = r.renew_mode, period = r.period, price = r.price, plan_code = r.plan_code,
          universe = r.universe, expiration_date = r.expiration_date, status = r.status, scheduled_termination = r.scheduled_termination,
          end_reason = r.end_reason, termination_due_date = r.termination_due_date, termination_due_reason = r.termination_due_reason,
          updated_at = r.updated_at
     FROM jsonb_to_recordset($1::jsonb) AS r(service_id uuid, legacy_contract boolean, renew_mode text, period text, price bigint,
                                             plan_code text, universe text, expiration_date date, status text, scheduled_termination text,
                                             end_reason text, termination_due_date date, termination_due_reason text, updated_at timestamptz)
    WHERE s.service_id = r.service_id AND s.service_id = ANY($2::uuid[])`,
);

function writableColumnsOf(record: ServiceRecord) {
  return {
    service_id: record.serviceId,
    legacy_contract: record.legacyContract,
    renew_mode: record.renewMode,
    period: record.period,
    price: record.price,
    plan_code: record.planCode,
    universe: record.universe,
    expiration_date: record.expirationDate,
    status: record.status,
    scheduled_termination: record.scheduledTermination,
    end_reason: record.endReason,
    termination_due_date: record.terminationDueDate,
    termination_due_reason: record.terminationDueReason,
    updated_at: record.updatedAt,
  };
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
    // a run is cut where creations and changes alternate: new services in one multi-row insert
    // (an import, a large order), changes in one read of their rows and one write back
    let creations: ServiceRecord[] = [];
    let changes: ConsumedEvent<Change>[] = [];
    const flush = async () => {
      if (creations.length > 0) await manager.createQueryBuilder().insert().into(ServiceRecord).values(creations).orIgnore().execute();
      if (changes.length > 0) await this.applyChanges(changes, manager);
      creations = [];
      changes = [];
    };
    for (const event of events) {
      if (event.type === 'ServiceActivated' || event.type === 'ServiceImported') {
        if (changes.length > 0) await flush();
        creations.push(recordOf(event));
      } else {
        if (creations.length > 0) await flush();
        changes.push(event as ConsumedEvent<Change>);
      }
    }
    await flush();
  }

  /** Applies changes in log order to their rows, read locked in one statement and written back in one. */
  private async applyChanges(events: readonly ConsumedEvent<Change>[], manager: EntityManager): Promise<void> {
    const relevant = events.flatMap((event) => {
      const changes = changesOf(event);
      return changes ? [{ serviceId: event.data.serviceId.toLowerCase(), changes, at: new Date(event.metadata.occurredAt) }] : [];
    });
    if (relevant.length === 0) return;
    const ids = [...new Set(relevant.map((change) => change.serviceId))].sort();
    const rows = await manager.find(ServiceRecord, { where: { serviceId: In(ids) }, order: { serviceId: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    const records = new Map(rows.map((row) => [row.serviceId.toLowerCase(), row]));
    const changed = new Map<string, ServiceRecord>();
    for (const { serviceId, changes, at } of relevant) {
      const record = records.get(serviceId);
      // a service this read model never saw created: nothing to change
      if (!record) continue;
      changed.set(serviceId, withTerminationSchedule(Object.assign(record, changes, { updatedAt: at })));
    }
    if (changed.size === 0) return;
    // the ids again as an array: the planner cannot size a JSON record set (it guesses 100 rows)
    // and would scan the whole table; with them it reads the primary key
    await runStatementWith(manager, writeBackSql, [JSON.stringify([...changed.values()].map(writableColumnsOf)), [...changed.values()].map((record) => record.serviceId)]);
  }
}
