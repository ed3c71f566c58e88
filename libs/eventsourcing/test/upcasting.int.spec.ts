// Events written years ago keep their stored JSON; readers of the stream and of the global log
// see them in today's shape, and today's writers store today's version.
import { randomUUID } from 'node:crypto';
import { waitUntil } from '@billing/testing';
import { initialCheckpoint, PostgresEventStore, type StoredEvent, type Upcaster } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { metadataFor, serviceActivated } from './sample-events';

const renameFields: Upcaster<{ serviceId: string; plan: string; expiration: string }> = {
  type: 'ServiceActivated',
  fromVersion: 1,
  upcast: ({ serviceId, plan, expiration }) => ({ serviceId, planCode: plan, expirationDate: expiration }),
};
const addRenewMode: Upcaster<object> = { type: 'ServiceActivated', fromVersion: 2, upcast: (data) => ({ ...data, renewMode: 'automatic' }) };

describe('Upcasting stored events', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  const streamId = `service-${randomUUID()}`;
  const legacyEventId = randomUUID();
  const legacyJson = '{"serviceId": "srv-legacy", "plan": "web-hosting-perso", "expiration": "2019-05-31"}';

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_upcasting');
    store = new PostgresEventStore(database.pool, { upcasters: [renameFields, addRenewMode] });
    // a v1 row exactly as the first version of the service wrote it
    await database.pool.query(
      `INSERT INTO event_store.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
       VALUES ($1, 1, $2, 'ServiceActivated', 1, $3::jsonb, $4::jsonb)`,
      [streamId, legacyEventId, legacyJson, JSON.stringify(metadataFor('customer-legacy'))],
    );
  });
  afterAll(() => database?.drop());

  const currentShape = { serviceId: 'srv-legacy', planCode: 'web-hosting-perso', expirationDate: '2019-05-31', renewMode: 'automatic' };

  it('reads a stored v1 event from its stream in the v3 shape', async () => {
    const { events } = await store.readStream(streamId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventId: legacyEventId, type: 'ServiceActivated', schemaVersion: 3, data: currentShape });
  });

  it('reads it from the global log in the v3 shape too', async () => {
    let found: StoredEvent | undefined;
    await waitUntil(async () => {
      found = (await store.readAll({ after: initialCheckpoint, limit: 100 })).events.find((event) => event.eventId === legacyEventId);
      return !!found;
    });
    expect(found).toMatchObject({ schemaVersion: 3, data: currentShape });
  });

  it('leaves the stored row as it was written', async () => {
    const { rows } = await database.pool.query('SELECT schema_version, data FROM event_store.events WHERE event_id = $1', [legacyEventId]);
    expect(rows[0]).toEqual({ schema_version: 1, data: JSON.parse(legacyJson) });
  });

  it('stores new events at the current version, which reads need not lift', async () => {
    const fresh = { ...serviceActivated(streamId), data: { serviceId: 'srv-legacy', planCode: 'web-hosting-pro', expirationDate: '2020-05-31', renewMode: 'manual' } };
    await store.append(streamId, [fresh], { expectedVersion: 1 });

    const { rows } = await database.pool.query('SELECT schema_version FROM event_store.events WHERE event_id = $1', [fresh.eventId]);
    expect(rows[0].schema_version).toBe(3);
    expect((await store.readStream(streamId, { from: 2 })).events[0]).toMatchObject({ schemaVersion: 3, data: fresh.data });
  });
});
