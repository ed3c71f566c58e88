// The command handler on PostgreSQL: a version conflict forced between its read and its append
// is retried on a fresh read, and concurrent commands on one stream all land, in some order.
import { randomUUID } from 'node:crypto';
import { CommandHandler, PostgresEventStore, type EventStore } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { renewModeDecider, type ServiceCommand } from './renew-mode-decider';
import { metadataFor, renewModeChanged } from './sample-events';

describe('CommandHandler on PostgreSQL', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_commands', 8);
    store = new PostgresEventStore(database.dataSource);
  });
  afterAll(() => database?.drop());

  const activate = (serviceId: string): ServiceCommand => ({ type: 'ActivateService', data: { serviceId, planCode: 'cloud-instance-b2', expirationDate: '2026-01-31' } });
  const changeRenewMode = (serviceId: string, renewMode: 'automatic' | 'manual'): ServiceCommand => ({ type: 'ChangeRenewMode', data: { serviceId, renewMode } });

  it('retries on WrongExpectedVersionError when another writer appends between its read and its append', async () => {
    const serviceId = `service-${randomUUID()}`;
    await new CommandHandler(store, renewModeDecider).handle(serviceId, activate(serviceId), metadataFor('customer-9'));
    let forced = false;
    const racing: EventStore = Object.create(store);
    racing.readStream = async (streamId, options) => {
      const read = await store.readStream(streamId, options);
      if (!forced) {
        forced = true;
        await store.append(streamId, [renewModeChanged(streamId, 'customer-9', 'automatic')], { expectedVersion: read.currentVersion });
      }
      return read as never;
    };

    const result = await new CommandHandler(racing, renewModeDecider).handle(serviceId, changeRenewMode(serviceId, 'manual'), metadataFor('customer-9'));

    expect(result).toMatchObject({ attempts: 2, nextExpectedVersion: 3, newState: { renewMode: 'manual', renewModeChanges: 2 } });
    const { events } = await store.readStream(serviceId);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['ServiceActivated', expect.anything()],
      ['ServiceRenewModeChanged', { serviceId, renewMode: 'automatic' }],
      ['ServiceRenewModeChanged', { serviceId, renewMode: 'manual' }],
    ]);
  });

  it('lands every one of concurrent commands on one stream, each deciding on the state it appended to', async () => {
    const serviceId = `service-${randomUUID()}`;
    const handler = new CommandHandler(store, renewModeDecider, { maxAttempts: 10 });
    await handler.handle(serviceId, activate(serviceId), metadataFor('customer-3'));

    const results = await Promise.all(
      ['manual', 'automatic', 'manual', 'automatic', 'manual', 'automatic'].map((mode) =>
        handler.handle(serviceId, changeRenewMode(serviceId, mode as 'manual' | 'automatic'), metadataFor('customer-3')),
      ),
    );

    const { events } = await store.readStream(serviceId);
    const appended = results.reduce((count, result) => count + result.newEvents.length, 0);
    expect(events).toHaveLength(1 + appended);
    // every append followed the state it decided on: renew modes alternate, never repeat
    const modes = events.slice(1).map((event) => (event.data as { renewMode: string }).renewMode);
    modes.slice(1).forEach((mode, index) => expect(mode).not.toBe(modes[index]));
  });
});
