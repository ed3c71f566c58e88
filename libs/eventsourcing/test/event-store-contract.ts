// The behaviour every event store adapter owes the command handlers and the relay. Each adapter
// runs this same suite against a real instance of its database.
import { randomUUID } from 'node:crypto';
import { waitUntil } from '@billing/testing';
import { compareCheckpoints, WrongExpectedVersionError, type EventStore, type GlobalCheckpoint, type StoredEvent } from '../src';
import { metadataFor, renewModeChanged, serviceActivated, serviceHistory } from './sample-events';

export interface EventStoreUnderTest {
  store: EventStore;
  close(): Promise<void>;
}

export function eventStoreContractSuite(name: string, factory: () => Promise<EventStoreUnderTest>): void {
  describe(name, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;
    const newStreamId = (label = 'service') => `${label}-${randomUUID()}`;

    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterAll(() => subject?.close());

    /** Everything of `streams` that readAll returns after `after`, batch by batch. */
    async function readAllOf(after: GlobalCheckpoint, streams: Set<string>, expected: number, limit: number) {
      const events: StoredEvent[] = [];
      const batches: { size: number; checkpoint: GlobalCheckpoint }[] = [];
      let checkpoint = after;
      // the log shows a transaction once every older one has finished, anywhere on the server
      await waitUntil(
        async () => {
          const batch = await store.readAll({ after: checkpoint, limit });
          if (batch.events.length > 0) batches.push({ size: batch.events.length, checkpoint: batch.checkpoint });
          events.push(...batch.events.filter((event) => streams.has(event.streamId)));
          checkpoint = batch.checkpoint;
          return events.length >= expected;
        },
        { timeoutMs: 15_000, intervalMs: 20, description: `${expected} events in the global log` },
      );
      return { events, batches, checkpoint };
    }

    describe('appending and reading a stream', () => {
      it('stores a new stream with noStream and reads the events back in order, with their envelope', async () => {
        const streamId = newStreamId();
        const events = serviceHistory(streamId, 3, 'customer-42');
        const result = await store.append(streamId, events, { expectedVersion: 'noStream' });

        expect(result.nextExpectedVersion).toBe(3);
        expect(result.lastPosition).toEqual({ transactionId: expect.stringMatching(/^\d+$/), globalPosition: expect.stringMatching(/^\d+$/) });
        const read = await store.readStream(streamId);
        expect(read.currentVersion).toBe(3);
        expect(read.events.map((event) => event.streamVersion)).toEqual([1, 2, 3]);
        read.events.forEach((stored, index) => {
          expect(stored).toMatchObject({
            eventId: events[index].eventId,
            type: events[index].type,
            data: events[index].data,
            schemaVersion: 1,
            metadata: events[index].metadata,
            streamId,
          });
          expect(new Date(stored.storedAt).toISOString()).toBe(stored.storedAt);
        });
        expect(read.events[2].position).toEqual(result.lastPosition);
      });

      it('reads an unknown stream as empty, at version 0', async () => {
        await expect(store.readStream(newStreamId())).resolves.toEqual({ events: [], currentVersion: 0 });
      });

      it('reads from a given version on, still reporting the current version', async () => {
        const streamId = newStreamId();
        await store.append(streamId, serviceHistory(streamId, 5), { expectedVersion: 'noStream' });

        const tail = await store.readStream(streamId, { from: 4 });
        expect(tail.events.map((event) => event.streamVersion)).toEqual([4, 5]);
        expect(tail.currentVersion).toBe(5);
        await expect(store.readStream(streamId, { from: 9 })).resolves.toEqual({ events: [], currentVersion: 5 });
      });

      it('refuses noStream on a stream that has events', async () => {
        const streamId = newStreamId();
        await store.append(streamId, [serviceActivated(streamId)], { expectedVersion: 'noStream' });

        const refusal = store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 'noStream' });
        await expect(refusal).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(refusal).rejects.toMatchObject({ streamId, expected: 'noStream', actual: 1 });
      });

      it('appends at the exact version, and refuses a stale or future version without storing any event of the batch', async () => {
        const streamId = newStreamId();
        await store.append(streamId, serviceHistory(streamId, 2), { expectedVersion: 'noStream' });
        await expect(store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 2 })).resolves.toMatchObject({ nextExpectedVersion: 3 });

        await expect(store.append(streamId, [renewModeChanged(streamId), renewModeChanged(streamId)], { expectedVersion: 2 })).rejects.toMatchObject({
          name: 'WrongExpectedVersionError',
          streamId,
          expected: 2,
          actual: 3,
        });
        await expect(store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 7 })).rejects.toMatchObject({ expected: 7, actual: 3 });
        expect((await store.readStream(streamId)).currentVersion).toBe(3);
      });

      it('treats expected version 0 as noStream', async () => {
        const streamId = newStreamId();
        await expect(store.append(streamId, [serviceActivated(streamId)], { expectedVersion: 0 })).resolves.toMatchObject({ nextExpectedVersion: 1 });
        await expect(store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 0 })).rejects.toMatchObject({ actual: 1 });
      });

      it('appends with any, whatever the version', async () => {
        const streamId = newStreamId();
        await expect(store.append(streamId, [serviceActivated(streamId)], { expectedVersion: 'any' })).resolves.toMatchObject({ nextExpectedVersion: 1 });
        await expect(store.append(streamId, serviceHistory(streamId, 2).slice(1), { expectedVersion: 'any' })).resolves.toMatchObject({ nextExpectedVersion: 2 });
        await expect(store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 'any' })).resolves.toMatchObject({ nextExpectedVersion: 3 });
      });

      it('refuses events without a UUID id or a partition key before writing anything', async () => {
        const streamId = newStreamId();
        await expect(store.append(streamId, [{ ...serviceActivated(streamId), eventId: 'not-a-uuid' }], { expectedVersion: 'any' })).rejects.toThrow(/not a UUID/);
        const withoutKey = { ...serviceActivated(streamId), metadata: { ...metadataFor('c'), partitionKey: '' } };
        await expect(store.append(streamId, [withoutKey], { expectedVersion: 'any' })).rejects.toThrow(/partitionKey/);
        expect((await store.readStream(streamId)).currentVersion).toBe(0);
      });
    });

    describe('two writers on one stream', () => {
      it('lets exactly one of two appends with the same expected version win; the other gets the typed conflict', async () => {
        const rounds = 10;
        await Promise.all(
          Array.from({ length: rounds }, async () => {
            const streamId = newStreamId();
            await store.append(streamId, [serviceActivated(streamId)], { expectedVersion: 'noStream' });
            const first = [renewModeChanged(streamId, 'c', 'manual')];
            const second = [renewModeChanged(streamId, 'c', 'automatic'), renewModeChanged(streamId, 'c', 'manual')];

            const outcomes = await Promise.allSettled([
              store.append(streamId, first, { expectedVersion: 1 }),
              store.append(streamId, second, { expectedVersion: 1 }),
            ]);

            const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
            const lost = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
            expect(won).toHaveLength(1);
            expect(lost).toHaveLength(1);
            expect(lost[0].reason).toBeInstanceOf(WrongExpectedVersionError);
            expect(lost[0].reason).toMatchObject({ streamId, expected: 1 });
            const winner = outcomes[0].status === 'fulfilled' ? first : second;
            const stored = await store.readStream(streamId);
            expect(stored.events.slice(1).map((event) => event.eventId)).toEqual(winner.map((event) => event.eventId));
          }),
        );
      });
    });

    describe('idempotent append', () => {
      it('stores a re-appended batch once and returns the result of the original append', async () => {
        const streamId = newStreamId();
        const events = serviceHistory(streamId, 2);
        const original = await store.append(streamId, events, { expectedVersion: 'noStream' });

        const retried = await store.append(streamId, events, { expectedVersion: 'noStream' });

        // (an adapter that can tell also says it was a replay: see AppendResult.replayed)
        expect(retried).toMatchObject(original);
        expect((await store.readStream(streamId)).events.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
      });

      it('acknowledges a retry whose expected version went stale because the stream moved on', async () => {
        const streamId = newStreamId();
        const events = serviceHistory(streamId, 2);
        const original = await store.append(streamId, events, { expectedVersion: 'noStream' });
        await store.append(streamId, [renewModeChanged(streamId)], { expectedVersion: 2 });

        await expect(store.append(streamId, events, { expectedVersion: 'noStream' })).resolves.toMatchObject(original);
        expect((await store.readStream(streamId)).currentVersion).toBe(3);
      });
    });

    describe('reading the global log', () => {
      it('reads every appended event once, in append order, in batches whose checkpoints move forward and resume exactly', async () => {
        const marker = newStreamId('marker');
        const { lastPosition: start } = await store.append(marker, [serviceActivated(marker)], { expectedVersion: 'noStream' });
        const streams = [newStreamId(), newStreamId(), newStreamId()];
        const appended: string[] = [];
        for (let round = 0; round < 4; round++) {
          for (const streamId of streams) {
            const events = round === 0 ? [serviceActivated(streamId)] : [renewModeChanged(streamId), renewModeChanged(streamId)];
            await store.append(streamId, events, { expectedVersion: 'any' });
            appended.push(...events.map((event) => event.eventId));
          }
        }

        const { events, batches, checkpoint } = await readAllOf(start!, new Set(streams), appended.length, 4);

        expect(events.map((event) => event.eventId)).toEqual(appended);
        expect(batches.every((batch) => batch.size <= 4)).toBe(true);
        expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(appended.length / 4));
        batches.slice(1).forEach((batch, index) => expect(compareCheckpoints(batch.checkpoint, batches[index].checkpoint)).toBeGreaterThan(0));
        const after = await store.readAll({ after: checkpoint, limit: 100 });
        expect(after.events.filter((event) => streams.includes(event.streamId))).toEqual([]);
        expect(events[0]).toMatchObject({ schemaVersion: 1, metadata: expect.objectContaining({ partitionKey: 'customer-1' }) });
      });

      it('returns the checkpoint it was given when nothing new is readable', async () => {
        const marker = newStreamId('marker');
        const { lastPosition } = await store.append(marker, [serviceActivated(marker)], { expectedVersion: 'noStream' });
        let batch = await store.readAll({ after: lastPosition!, limit: 10 });
        while (batch.events.length > 0) batch = await store.readAll({ after: batch.checkpoint, limit: 10 });
        const empty = await store.readAll({ after: batch.checkpoint, limit: 10 });
        expect(empty).toEqual({ events: [], checkpoint: batch.checkpoint });
      });
    });
  });
}
