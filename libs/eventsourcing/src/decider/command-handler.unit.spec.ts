import { metadataFor, renewModeChanged, serviceActivated } from '../../test/sample-events';
import { renewModeDecider, ServiceNotActiveError, type ServiceCommand } from '../../test/renew-mode-decider';
import type { EventStore } from '../event-store/event-store';
import { WrongExpectedVersionError } from '../event-store/wrong-expected-version-error';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store';
import { CommandHandler } from './command-handler';

const activate: ServiceCommand = { type: 'ActivateService', data: { serviceId: 'srv-1', planCode: 'web-hosting-pro', expirationDate: '2026-03-01' } };
const toManual: ServiceCommand = { type: 'ChangeRenewMode', data: { serviceId: 'srv-1', renewMode: 'manual' } };

/** A store on which another writer appends to the stream right after each of the first `times` reads. */
function withConcurrentWriter(store: EventStore, times: number): EventStore & { reads: number } {
  const racing = Object.create(store) as EventStore & { reads: number };
  racing.reads = 0;
  racing.readStream = async (streamId, options) => {
    const read = await store.readStream(streamId, options);
    if (racing.reads++ < times) await store.append(streamId, [renewModeChanged(streamId, 'c', 'automatic')], { expectedVersion: read.currentVersion });
    return read as never;
  };
  return racing;
}

describe('CommandHandler', () => {
  let store: InMemoryEventStore;
  let handler: CommandHandler<ServiceCommand, Parameters<typeof renewModeDecider.evolve>[1], ReturnType<typeof renewModeDecider.initialState>>;
  const metadata = metadataFor('customer-7');

  beforeEach(() => {
    store = new InMemoryEventStore();
    handler = new CommandHandler(store, renewModeDecider);
  });

  it('appends what the decider decides on a new stream, with ids and the given metadata', async () => {
    const result = await handler.handle('srv-1', activate, metadata);

    expect(result).toMatchObject({ nextExpectedVersion: 1, newState: { status: 'active', renewMode: 'automatic' }, attempts: 1 });
    const { events } = await store.readStream('srv-1');
    expect(events).toEqual([expect.objectContaining({ type: 'ServiceActivated', data: activate.data, metadata, eventId: result.newEvents[0].eventId })]);
  });

  it('folds the stream before deciding', async () => {
    await handler.handle('srv-1', activate, metadata);
    const result = await handler.handle('srv-1', toManual, metadata);
    expect(result).toMatchObject({ nextExpectedVersion: 2, newState: { status: 'active', renewMode: 'manual', renewModeChanges: 1 } });
  });

  it('appends nothing when the decider decides nothing', async () => {
    await handler.handle('srv-1', activate, metadata);
    const repeat = await handler.handle('srv-1', activate, metadata);
    expect(repeat).toMatchObject({ nextExpectedVersion: 1, newEvents: [] });
    expect((await store.readStream('srv-1')).currentVersion).toBe(1);
  });

  it('lets a domain refusal through and appends nothing', async () => {
    await expect(handler.handle('srv-1', toManual, metadata)).rejects.toBeInstanceOf(ServiceNotActiveError);
    expect((await store.readStream('srv-1')).currentVersion).toBe(0);
  });

  it('decides again on a fresh read when a concurrent write takes the version it read', async () => {
    await store.append('srv-1', [serviceActivated('srv-1')], { expectedVersion: 'noStream' });
    const racing = withConcurrentWriter(store, 1);

    const result = await new CommandHandler(racing, renewModeDecider).handle('srv-1', toManual, metadata);

    expect(result).toMatchObject({ attempts: 2, nextExpectedVersion: 3, newState: { renewMode: 'manual', renewModeChanges: 2 } });
    expect((await store.readStream('srv-1')).events.map((event) => event.type)).toEqual(['ServiceActivated', 'ServiceRenewModeChanged', 'ServiceRenewModeChanged']);
  });

  it('gives up with the typed conflict after its attempts', async () => {
    await store.append('srv-1', [serviceActivated('srv-1')], { expectedVersion: 'noStream' });
    const racing = withConcurrentWriter(store, Infinity);

    await expect(new CommandHandler(racing, renewModeDecider, { maxAttempts: 4 }).handle('srv-1', toManual, metadata)).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(racing.reads).toBe(4);
  });

  it('reports, without retrying, a conflict with the version the caller saw', async () => {
    await store.append('srv-1', [serviceActivated('srv-1'), renewModeChanged('srv-1')], { expectedVersion: 'noStream' });

    await expect(handler.handle('srv-1', toManual, metadata, { expectedVersion: 1 })).rejects.toMatchObject({ name: 'WrongExpectedVersionError', expected: 1, actual: 2 });
    const racing = withConcurrentWriter(store, 1);
    await expect(new CommandHandler(racing, renewModeDecider).handle('srv-1', { ...toManual, data: { ...toManual.data, renewMode: 'automatic' } }, metadata, { expectedVersion: 2 })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(racing.reads).toBe(1);
  });
});
