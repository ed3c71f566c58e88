// The services projection takes a consumer run at once: creations in one insert, changes in one
// locked read of their rows and one write back. Whatever the run, the rows must be those of the
// same events projected one by one. Two databases, one per way, fed the same random runs.
import { randomUUID } from 'node:crypto';
import { exampleEnvelopeOf } from '@billing/contracts';
import type { ConsumedEvent } from '@billing/messaging';
import { createTestDatabase, type TestDatabase } from '@billing/testing';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { subscriptionMigrations } from '../src/database/migrations';
import { ServiceRecord } from '../src/read-models/services/service-record.entity';
import { ServicesProjection } from '../src/read-models/services/services.projection';
import type { ServicesTopicEnvelope } from '../src/topic-events/services-topic-events';

const TOPIC = 'billing.services.v1';
const SERVICES = ['6f0c2f7e-5c1a-4b8e-9d3a-000000000001', '6F0C2F7E-5C1A-4B8E-9D3A-000000000002', '6f0c2f7e-5c1a-4b8e-9d3a-000000000003'];
const customerId = 'projection-customer';

async function openDatabase(label: string): Promise<{ database: TestDatabase; dataSource: DataSource }> {
  const database = await createTestDatabase(label);
  const dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [ServiceRecord], migrations: subscriptionMigrations, migrationsTableName: 'typeorm_migrations' });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return { database, dataSource };
}

type Draft =
  | { kind: 'activated'; service: number }
  | { kind: 'renewMode'; service: number; mode: 'automatic' | 'manual' | 'deleteAtExpiration' }
  | { kind: 'extended'; service: number; months: number }
  | { kind: 'terminationConfirmed' | 'terminationCancelled' | 'unpaid' | 'suspended' | 'reopened' | 'terminated' | 'terminationRequested'; service: number };

const service = fc.integer({ min: 0, max: SERVICES.length - 1 });
const drafts = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('activated' as const), service }),
    fc.record({ kind: fc.constant('renewMode' as const), service, mode: fc.constantFrom('automatic' as const, 'manual' as const, 'deleteAtExpiration' as const) }),
    fc.record({ kind: fc.constant('extended' as const), service, months: fc.integer({ min: 1, max: 24 }) }),
    fc.record({
      kind: fc.constantFrom(
        'terminationConfirmed' as const,
        'terminationCancelled' as const,
        'unpaid' as const,
        'suspended' as const,
        'reopened' as const,
        'terminated' as const,
        'terminationRequested' as const,
      ),
      service,
    }),
  ),
  { minLength: 1, maxLength: 14 },
);

/** The event a draft stands for, at offset `index` of the run, an hour after the one before. */
function eventOf(draft: Draft, index: number): ConsumedEvent<ServicesTopicEnvelope> {
  const serviceId = SERVICES[draft.service];
  const at = new Date(Date.UTC(2026, 0, 1, index)).toISOString();
  const month = (months: number) => `20${26 + Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}-14`;
  const envelope = (type: ServicesTopicEnvelope['type'], data: object) => {
    const example = exampleEnvelopeOf(type as 'ServiceActivated');
    return {
      ...example,
      eventId: randomUUID(),
      data: { ...example.data, serviceId, customerId, ...data },
      metadata: { ...example.metadata, occurredAt: at, partitionKey: customerId },
      position: { topic: TOPIC, partition: 0, offset: String(index) },
    } as unknown as ConsumedEvent<ServicesTopicEnvelope>;
  };
  switch (draft.kind) {
    case 'activated':
      return envelope('ServiceActivated', { expirationDate: month(draft.service), activatedAt: at });
    case 'renewMode':
      return envelope('ServiceRenewModeChanged', { renewMode: draft.mode });
    case 'extended':
      return envelope('ServiceExpirationExtended', { expirationDate: month(draft.months) });
    case 'terminationConfirmed':
      return envelope('ServiceTerminationConfirmed', { effective: 'atExpiration' });
    case 'terminationCancelled':
      return envelope('ServiceTerminationCancelled', {});
    case 'unpaid':
      return envelope('ServiceMarkedUnpaid', {});
    case 'suspended':
      return envelope('ServiceSuspended', {});
    case 'reopened':
      return envelope('ServiceReopened', { expirationDate: month(draft.service + 12) });
    case 'terminated':
      return envelope('ServiceTerminated', {});
    case 'terminationRequested':
      return envelope('ServiceTerminationRequested', {});
  }
}

describe('services projection', () => {
  const projection = new ServicesProjection({ services: TOPIC } as never);
  let atOnce: { database: TestDatabase; dataSource: DataSource };
  let oneByOne: { database: TestDatabase; dataSource: DataSource };

  beforeAll(async () => {
    [atOnce, oneByOne] = await Promise.all([openDatabase('services_projection_run'), openDatabase('services_projection_each')]);
  });

  afterAll(async () => {
    for (const side of [atOnce, oneByOne]) {
      await side?.dataSource.destroy().catch(() => undefined);
      await side?.database.drop();
    }
  });

  const rowsOf = (dataSource: DataSource) => dataSource.query('SELECT * FROM services ORDER BY service_id');

  it('writes the rows of a run projected at once as if its events came one by one', async () => {
    await fc.assert(
      fc.asyncProperty(drafts, async (run) => {
        await Promise.all([atOnce, oneByOne].map(({ dataSource }) => dataSource.query('TRUNCATE services')));
        const events = run.map(eventOf);
        await atOnce.dataSource.transaction((manager) => projection.project(events, manager));
        for (const event of events) await oneByOne.dataSource.transaction((manager) => projection.project([event], manager));
        expect(await rowsOf(atOnce.dataSource)).toEqual(await rowsOf(oneByOne.dataSource));
      }),
      { numRuns: 40 },
    );
  });

  it('given a service changed three times in one run, then its row is read and written once, ending in the last state', async () => {
    await atOnce.dataSource.query('TRUNCATE services');
    await atOnce.dataSource.transaction((manager) => projection.project([eventOf({ kind: 'activated', service: 1 }, 0)], manager));
    const statements: string[] = [];
    await atOnce.dataSource.transaction(async (manager) => {
      const query = manager.queryRunner!.query.bind(manager.queryRunner);
      manager.queryRunner!.query = (text: string, ...rest: never[]) => (statements.push(text), query(text, ...rest));
      await projection.project(
        [eventOf({ kind: 'extended', service: 1, months: 13 }, 1), eventOf({ kind: 'renewMode', service: 1, mode: 'manual' }, 2), eventOf({ kind: 'unpaid', service: 1 }, 3)],
        manager,
      );
    });
    const [row] = await atOnce.dataSource.query('SELECT service_id, expiration_date::text, renew_mode, status FROM services');
    expect(row).toMatchObject({ service_id: SERVICES[1].toLowerCase(), expiration_date: '2027-02-14', renew_mode: 'manual', status: 'unpaid' });
    expect(statements.filter((text) => /FROM "services"/.test(text) && /FOR UPDATE/.test(text))).toHaveLength(1);
  });
});
