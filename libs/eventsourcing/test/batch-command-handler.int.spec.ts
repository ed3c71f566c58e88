// BatchCommandHandler: the commands of a run decided on their streams as one-by-one handling
// would decide them (a stream named twice sees the earlier command's events, a refusal leaves its
// stream alone), appended in one statement; a stream that moved since the read appends nothing.
// With a StreamStateCache, a stream's next run reads only what came after its cached state, and
// still decides on everything another writer appended meanwhile. With snapshots, a stream a run
// takes across a multiple of `every` keeps its state at that version, and the next run (any
// process) reads only what came after it; a snapshot of another kind is ignored; and, as a
// property, runs from snapshots decide what runs reading whole streams decide.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { BatchCommandHandler, PostgresEventStore, StreamStateCache, WrongExpectedVersionError, type BatchCommand } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';
import { renewModeDecider, ServiceNotActiveError, type ServiceCommand, type ServiceState } from './renew-mode-decider';
import { metadataFor, renewModeChanged, serviceActivated, serviceHistory, type ServiceEvent } from './sample-events';

describe('BatchCommandHandler', () => {
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  let handler: BatchCommandHandler<ServiceCommand, ServiceEvent, ServiceState>;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_batch_commands', 4);
    store = new PostgresEventStore(database.pool);
    handler = new BatchCommandHandler(store, renewModeDecider);
  });
  afterAll(() => database?.drop());

  const command = (streamId: string, body: ServiceCommand): BatchCommand<ServiceCommand> => {
    const cause = randomUUID();
    return { streamId, command: body, metadata: metadataFor('customer-1'), eventId: () => cause };
  };
  const activate = (serviceId: string): ServiceCommand => ({ type: 'ActivateService', data: { serviceId, planCode: 'web-hosting-pro', expirationDate: '2027-01-31' } });
  const change = (serviceId: string, renewMode: 'automatic' | 'manual'): ServiceCommand => ({ type: 'ChangeRenewMode', data: { serviceId, renewMode } });

  it('decides each command on the state the earlier ones left, and appends all in one transaction', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const outcomes = await handler.handleAll([
      command(`service-${a}`, activate(a)),
      command(`service-${b}`, change(b, 'manual')),
      command(`service-${a}`, change(a, 'manual')),
      command(`service-${c}`, activate(c)),
      command(`service-${a}`, change(a, 'manual')),
    ]);
    expect(outcomes.map((outcome) => (outcome.kind === 'decided' ? outcome.newEvents.map((event) => event.type) : outcome.error))).toEqual([
      ['ServiceActivated'],
      expect.any(ServiceNotActiveError),
      ['ServiceRenewModeChanged'],
      ['ServiceActivated'],
      [],
    ]);
    expect(outcomes[2]).toMatchObject({ newState: { status: 'active', renewMode: 'manual', renewModeChanges: 1 } });
    const read = await store.readStreams([`service-${a}`, `service-${b}`, `service-${c}`]);
    expect([...read.values()].map((stream) => stream.currentVersion)).toEqual([2, 0, 1]);
    const transactions = new Set([...read.values()].flatMap((stream) => stream.events.map((event) => event.position.transactionId)));
    expect(transactions.size).toBe(1);
  });

  it('appends nothing when a stream moved since the read', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await store.append(`service-${b}`, [serviceActivated(b)], { expectedVersion: 'noStream' });
    const readStreamsAfter = store.readStreamsAfter.bind(store);
    // another writer gets to b between the read and the append
    const racing = Object.assign(Object.create(store) as PostgresEventStore, {
      readStreamsAfter: async (after: ReadonlyMap<string, number>) => {
        const read = await readStreamsAfter(after);
        await store.append(`service-${b}`, [renewModeChanged(b)], { expectedVersion: 'any' });
        return read as never;
      },
    });
    const raced = new BatchCommandHandler(racing, renewModeDecider).handleAll([command(`service-${a}`, activate(a)), command(`service-${b}`, change(b, 'manual'))]);
    await expect(raced).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream(`service-${a}`)).currentVersion).toBe(0);
    expect((await store.readStream(`service-${b}`)).currentVersion).toBe(2);

    // handleAllOrEach: the same race sends the commands one by one, in order
    const oneByOne: number[] = [];
    const again = await new BatchCommandHandler(racing, renewModeDecider).handleAllOrEach(
      [command(`service-${a}`, activate(a)), command(`service-${b}`, change(b, 'automatic'))],
      async (index) => void oneByOne.push(index),
    );
    expect(again).toBeUndefined();
    expect(oneByOne).toEqual([0, 1]);
  });

  describe('with a cache of the streams\' states', () => {
    /** The store, counting the events each read brings back. */
    const counting = () => {
      const reads: number[] = [];
      const readStreamsAfter = store.readStreamsAfter.bind(store);
      const counted = Object.assign(Object.create(store) as PostgresEventStore, {
        readStreamsAfter: async (after: ReadonlyMap<string, number>) => {
          const read = await readStreamsAfter(after);
          reads.push([...read.values()].reduce((sum, stream) => sum + stream.events.length, 0));
          return read as never;
        },
      });
      return { store: counted, reads };
    };

    it('given a stream decided on before, when the next run comes, then only what came after is read, another writer\'s events included', async () => {
      const a = randomUUID();
      await store.append(`service-${a}`, serviceHistory(a, 30), { expectedVersion: 'noStream' });
      const { store: counted, reads } = counting();
      const cached = new BatchCommandHandler(counted, renewModeDecider, { cache: new StreamStateCache() });

      const first = await cached.handleAll([command(`service-${a}`, change(a, 'automatic'))]);
      // another writer changes the mode behind the cache's back
      await store.append(`service-${a}`, [renewModeChanged(a, 'customer-1', 'automatic')], { expectedVersion: 'any' });
      const second = await cached.handleAll([command(`service-${a}`, change(a, 'manual'))]);
      const third = await cached.handleAll([command(`service-${a}`, change(a, 'manual'))]);

      expect(reads).toEqual([30, 1, 0]);
      const changes = (outcome: (typeof first)[number]) => (outcome.kind === 'decided' ? outcome.newState : outcome.error);
      const history = await store.readStream(`service-${a}`);
      const folded = history.events.reduce((state, event) => renewModeDecider.evolve(state, event as never), renewModeDecider.initialState());
      expect(changes(third[0])).toEqual(folded);
      expect([changes(first[0]), changes(second[0])]).toEqual([
        expect.objectContaining({ renewMode: 'automatic' }),
        expect.objectContaining({ renewMode: 'manual' }),
      ]);
      expect(third[0]).toMatchObject({ kind: 'decided', newEvents: [] });
    });

    it('given another writer between the read and the append, when the run appends, then it appends nothing, and the next run decides on the stream as stored', async () => {
      const a = randomUUID();
      await store.append(`service-${a}`, [serviceActivated(a)], { expectedVersion: 'noStream' });
      const cache = new StreamStateCache<ServiceState>();
      await new BatchCommandHandler(store, renewModeDecider, { cache }).handleAll([command(`service-${a}`, change(a, 'automatic'))]);
      const readStreamsAfter = store.readStreamsAfter.bind(store);
      const racing = Object.assign(Object.create(store) as PostgresEventStore, {
        readStreamsAfter: async (after: ReadonlyMap<string, number>) => {
          const read = await readStreamsAfter(after);
          await store.append(`service-${a}`, [renewModeChanged(a, 'customer-1', 'manual')], { expectedVersion: 'any' });
          return read as never;
        },
      });

      await expect(new BatchCommandHandler(racing, renewModeDecider, { cache }).handleAll([command(`service-${a}`, change(a, 'manual'))])).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      const next = await new BatchCommandHandler(store, renewModeDecider, { cache }).handleAll([command(`service-${a}`, change(a, 'automatic'))]);
      expect(next[0]).toMatchObject({ kind: 'decided', newEvents: [{ type: 'ServiceRenewModeChanged' }], newState: { renewMode: 'automatic', renewModeChanges: 2 } });
      expect(cache.get(`service-${a}`)).toMatchObject({ version: 3, state: { renewMode: 'automatic' } });
    });
  });

  describe('with snapshots', () => {
    const snapshotsOf = async (streamId: string) =>
      (await database.pool.query(`SELECT kind, stream_version, state FROM event_store.snapshots WHERE stream_id = $1`, [streamId])).rows;
    /** The store, with the versions each read starts after and the events it brings back. */
    const recording = () => {
      const reads: { after: number[]; events: number }[] = [];
      const readStreamsAfter = store.readStreamsAfter.bind(store);
      const recorded = Object.assign(Object.create(store) as PostgresEventStore, {
        readStreamsAfter: async (after: ReadonlyMap<string, number>) => {
          const read = await readStreamsAfter(after);
          reads.push({ after: [...after.values()], events: [...read.values()].reduce((sum, stream) => sum + stream.events.length, 0) });
          return read as never;
        },
      });
      return { store: recorded, reads };
    };
    const foldedFromStore = async (streamId: string) =>
      (await store.readStream(streamId)).events.reduce((state, event) => renewModeDecider.evolve(state, event as never), renewModeDecider.initialState());

    it('given a run that takes a stream across a multiple of every, when another process runs on it later, then it reads only the events after the snapshot, another writer\'s included', async () => {
      const a = randomUUID();
      const streamId = `service-${a}`;
      await store.append(streamId, serviceHistory(a, 29), { expectedVersion: 'noStream' });
      const policy = { kind: 'renew-mode@1', every: 10 };

      const first = recording();
      await new BatchCommandHandler(first.store, renewModeDecider, { snapshots: policy }).handleAll([command(streamId, change(a, 'manual'))]);
      expect(first.reads).toEqual([{ after: [0], events: 29 }]);
      expect(await snapshotsOf(streamId)).toEqual([{ kind: 'renew-mode@1', stream_version: 30, state: { status: 'active', renewMode: 'manual', renewModeChanges: 29 } }]);

      // another writer, then another process (no cache) with the same policy
      await store.append(streamId, [renewModeChanged(a, 'customer-1', 'automatic')], { expectedVersion: 30 });
      const second = recording();
      const outcomes = await new BatchCommandHandler(second.store, renewModeDecider, { snapshots: policy }).handleAll([command(streamId, change(a, 'manual'))]);
      expect(second.reads).toEqual([{ after: [30], events: 1 }]);
      expect(outcomes[0]).toMatchObject({ kind: 'decided', newEvents: [{ type: 'ServiceRenewModeChanged' }] });
      expect(outcomes[0].kind === 'decided' && outcomes[0].newState).toEqual(await foldedFromStore(streamId));
      // 31 → 32 crosses no multiple of 10: the snapshot stays at 30
      expect((await snapshotsOf(streamId)).map((row) => row.stream_version)).toEqual([30]);
    });

    it('given a snapshot of another kind, when a run comes, then it reads the whole stream, and the next multiple replaces that snapshot', async () => {
      const a = randomUUID();
      const streamId = `service-${a}`;
      await store.append(streamId, serviceHistory(a, 9), { expectedVersion: 'noStream' });
      await new BatchCommandHandler(store, renewModeDecider, { snapshots: { kind: 'renew-mode@1', every: 10 } }).handleAll([command(streamId, change(a, 'manual'))]);
      expect((await snapshotsOf(streamId)).map((row) => [row.kind, row.stream_version])).toEqual([['renew-mode@1', 10]]);

      // evolve changed: its states are of kind renew-mode@2, and the old snapshot is none of them
      const newer = recording();
      const handler = new BatchCommandHandler(newer.store, renewModeDecider, { snapshots: { kind: 'renew-mode@2', every: 1 } });
      const outcomes = await handler.handleAll([command(streamId, change(a, 'automatic'))]);
      expect(newer.reads).toEqual([{ after: [0], events: 10 }]);
      expect(outcomes[0].kind === 'decided' && outcomes[0].newState).toEqual(await foldedFromStore(streamId));
      expect((await snapshotsOf(streamId)).map((row) => [row.kind, row.stream_version])).toEqual([['renew-mode@2', 11]]);
    });

    it('keeps the newest snapshot of a kind: an older state saved late does not replace it', async () => {
      const streamId = `service-${randomUUID()}`;
      const active = (changes: number) => ({ status: 'active', renewMode: 'manual', renewModeChanges: changes });
      await store.saveSnapshots('renew-mode@1', new Map([[streamId, { version: 20, state: active(19) }]]));
      await store.saveSnapshots('renew-mode@1', new Map([[streamId, { version: 10, state: active(9) }]]));
      expect(await store.readSnapshots('renew-mode@1', [streamId, 'service-none'])).toEqual(new Map([[streamId, { version: 20, state: active(19) }]]));
      expect(await store.readSnapshots('renew-mode@2', [streamId])).toEqual(new Map());
    });

    it('decides, whatever the runs, the policy and another writer, what reading the whole stream decides', async () => {
      const step = fc.oneof(
        fc.record({ run: fc.array(fc.constantFrom<'activate' | 'automatic' | 'manual'>('activate', 'automatic', 'manual'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ elsewhere: fc.constantFrom<'automatic' | 'manual'>('automatic', 'manual') }),
      );
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(step, { minLength: 1, maxLength: 14 }), async (every, steps) => {
          const [a, b] = [randomUUID(), randomUUID()];
          const snapshotted = new BatchCommandHandler(store, renewModeDecider, { snapshots: { kind: `renew-mode@${every}`, every } });
          const whole = new BatchCommandHandler(store, renewModeDecider);
          const body = (serviceId: string, what: 'activate' | 'automatic' | 'manual') => (what === 'activate' ? activate(serviceId) : change(serviceId, what));
          const decided = (outcomes: Awaited<ReturnType<typeof whole.handleAll>>) =>
            outcomes.map((outcome) => (outcome.kind === 'decided' ? { events: outcome.newEvents.map((event) => event.type), state: outcome.newState } : (outcome.error as Error).name));
          for (const next of steps) {
            if ('elsewhere' in next) {
              await store.append(`service-${a}`, [renewModeChanged(a, 'customer-1', next.elsewhere)], { expectedVersion: 'any' });
              await store.append(`service-${b}`, [renewModeChanged(b, 'customer-1', next.elsewhere)], { expectedVersion: 'any' });
              continue;
            }
            const ofA = await snapshotted.handleAll(next.run.map((what) => command(`service-${a}`, body(a, what))));
            const ofB = await whole.handleAll(next.run.map((what) => command(`service-${b}`, body(b, what))));
            expect(decided(ofA)).toEqual(decided(ofB));
          }
          const [snapshot] = await snapshotsOf(`service-${a}`);
          if (snapshot) {
            const history = (await store.readStream(`service-${a}`)).events.slice(0, snapshot.stream_version);
            // taken at the version a run reached, past a multiple of every: the history up to it, folded
            expect(snapshot.stream_version).toBeGreaterThanOrEqual(every);
            expect(snapshot.state).toEqual(history.reduce((state, event) => renewModeDecider.evolve(state, event as never), renewModeDecider.initialState()));
          }
        }),
        { numRuns: 40 },
      );
    });

    it('refuses a policy that would never take a snapshot', () => {
      expect(() => new BatchCommandHandler(store, renewModeDecider, { snapshots: { kind: 'renew-mode@1', every: 0 } })).toThrow(/positive whole number/);
    });
  });
});
