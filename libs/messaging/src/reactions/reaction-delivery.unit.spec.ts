// How many messages a reaction takes at once: lanes for reactions that hold no connection while
// they react, one lane (a run in one transaction) for those that hold a transaction, unless they
// ask; and the events a reaction is not concerned with, turned away before any database work.
import type { DataSource } from 'typeorm';
import type { Reaction } from './reaction';
import { ReactionDelivery } from './reaction-delivery';

const reaction = (overrides: Partial<Reaction>): Reaction => ({
  name: 'sample',
  topics: ['sample'],
  events: { decode: () => undefined } as unknown as Reaction['events'],
  react: async () => undefined,
  ...overrides,
});
const dataSource = {} as DataSource;

describe('reaction lanes', () => {
  it('gives a check-then-record reaction the runtime lanes, four messages per lane per run', () => {
    expect(new ReactionDelivery(reaction({ idempotency: 'check-then-record' }), dataSource, { lanes: 3 }).maxMessagesPerApply).toBe(12);
    expect(new ReactionDelivery(reaction({ idempotency: 'check-then-record' }), dataSource).maxMessagesPerApply).toBe(16);
  });

  it('keeps a same-transaction reaction to one lane, a run of 16 in order, unless it asks for lanes', () => {
    expect(new ReactionDelivery(reaction({}), dataSource, { lanes: 8 }).maxMessagesPerApply).toBe(16);
    expect(new ReactionDelivery(reaction({ idempotency: 'same-transaction', lanes: 2 }), dataSource, { lanes: 8 }).maxMessagesPerApply).toBe(8);
  });

  it('gives a reaction that takes whole runs 64 messages per run', () => {
    expect(new ReactionDelivery(reaction({ idempotency: 'check-then-record', reactToRun: async () => undefined }), dataSource, { lanes: 3 }).maxMessagesPerApply).toBe(64);
  });

  it('gives a one-lane reaction with reactToRun 64 messages per run: its statements are per run', () => {
    expect(new ReactionDelivery(reaction({ reactToRun: async () => undefined }), dataSource, { lanes: 8 }).maxMessagesPerApply).toBe(64);
    expect(new ReactionDelivery(reaction({ idempotency: 'same-transaction', lanes: 2, reactToRun: async () => undefined }), dataSource).maxMessagesPerApply).toBe(8);
  });

  it('lets a reaction keep the partition order across customers with one lane', () => {
    expect(new ReactionDelivery(reaction({ idempotency: 'check-then-record', lanes: 1 }), dataSource, { lanes: 8 }).maxMessagesPerApply).toBe(16);
  });
});

describe('events a reaction is not concerned with', () => {
  const untouchable = new Proxy({} as DataSource, {
    get: (_target, property) => {
      throw new Error(`the database was touched (${String(property)})`);
    },
  });
  const message = (eventId: string, source: string) =>
    ({
      kind: 'event',
      position: { topic: 'sample', partition: 0, offset: eventId },
      event: { eventId, type: 'Sample', schemaVersion: 1, data: { source }, metadata: { partitionKey: 'c-1', correlationId: eventId, occurredAt: '2027-01-01T00:00:00Z' } },
    }) as never;

  it('skips them before any database work, in either idempotency mode', async () => {
    for (const idempotency of ['check-then-record', 'same-transaction'] as const) {
      const reacted: string[] = [];
      const delivery = new ReactionDelivery(
        reaction({ idempotency, concerns: (event) => (event.data as { source: string }).source === 'ours', react: async (event) => void reacted.push(event.eventId) }),
        untouchable,
      );
      await expect(delivery.apply([message('e-1', 'theirs')])).resolves.toEqual({ kind: 'applied', handled: 0, skipped: 1, duplicates: 0 });
      expect(reacted).toEqual([]);
    }
  });
});
