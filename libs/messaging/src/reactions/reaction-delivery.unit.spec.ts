// How many messages a reaction takes at once: lanes for reactions that hold no connection while
// they react, one message at a time for those that hold a transaction, unless they ask.
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

  it('keeps a same-transaction reaction to one message at a time unless it asks for lanes', () => {
    expect(new ReactionDelivery(reaction({}), dataSource, { lanes: 8 }).maxMessagesPerApply).toBe(1);
    expect(new ReactionDelivery(reaction({ idempotency: 'same-transaction', lanes: 2 }), dataSource, { lanes: 8 }).maxMessagesPerApply).toBe(8);
  });

  it('lets a reaction keep the partition order across customers with one lane', () => {
    expect(new ReactionDelivery(reaction({ idempotency: 'check-then-record', lanes: 1 }), dataSource, { lanes: 8 }).maxMessagesPerApply).toBe(1);
  });
});
