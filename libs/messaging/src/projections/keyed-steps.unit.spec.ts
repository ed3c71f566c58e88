import fc from 'fast-check';
import { writeInKeyedSteps } from './keyed-steps';

interface Event {
  readonly seq: number;
  readonly key?: string;
  readonly type: 'paid' | 'delivered' | 'rare';
}

/** Runs a plan that records each write: batches as lists of events, barriers alone. */
async function writesOf(events: readonly Event[]) {
  const writes: { type: string; events: readonly Event[] }[] = [];
  await writeInKeyedSteps(events, {
    keyOf: (event) => event.key,
    typeOf: (event) => event.type,
    writeBatch: async (type, batch) => void writes.push({ type, events: batch }),
    writeOne: async (event) => void writes.push({ type: 'barrier', events: [event] }),
  });
  return writes;
}

const runs = fc
  .array(
    fc.record({
      key: fc.option(fc.constantFrom('A', 'B', 'C', 'D'), { nil: undefined, freq: 8 }),
      type: fc.constantFrom('paid' as const, 'delivered' as const),
    }),
    { maxLength: 60 },
  )
  .map((drafts) => drafts.map((draft, seq): Event => (draft.key === undefined ? { seq, type: 'rare' } : { seq, key: draft.key, type: draft.type })));

describe('writeInKeyedSteps', () => {
  it('given a run of two rows, when written, then it takes one statement per step and type', async () => {
    const events: Event[] = [
      { seq: 0, key: 'A', type: 'paid' },
      { seq: 1, key: 'A', type: 'delivered' },
      { seq: 2, key: 'B', type: 'paid' },
      { seq: 3, key: 'B', type: 'delivered' },
    ];
    const writes = await writesOf(events);
    expect(writes.map((write) => [write.type, write.events.map((event) => event.seq)])).toEqual([
      ['paid', [0, 2]],
      ['delivered', [1, 3]],
    ]);
  });

  it('given a barrier, when written, then what came before is written before it and the rest after', async () => {
    const writes = await writesOf([
      { seq: 0, key: 'A', type: 'paid' },
      { seq: 1, type: 'rare' },
      { seq: 2, key: 'A', type: 'paid' },
    ]);
    expect(writes.map((write) => [write.type, write.events.map((event) => event.seq)])).toEqual([
      ['paid', [0]],
      ['barrier', [1]],
      ['paid', [2]],
    ]);
  });

  it('writes every event once, each key in log order, barriers in place, no key twice in one batch', async () => {
    await fc.assert(
      fc.asyncProperty(runs, async (events) => {
        const writes = await writesOf(events);
        const written = writes.flatMap((write) => write.events);
        expect([...written].sort((a, b) => a.seq - b.seq)).toEqual(events);
        for (const key of ['A', 'B', 'C', 'D']) {
          const seqs = written.filter((event) => event.key === key).map((event) => event.seq);
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        }
        // a barrier sees exactly the events before it written, and none after
        written.forEach((event, index) => {
          if (event.type !== 'rare') return;
          expect(written.slice(0, index).every((before) => before.seq < event.seq)).toBe(true);
          expect(written.slice(index + 1).every((after) => after.seq > event.seq)).toBe(true);
        });
        for (const write of writes) {
          const keys = write.events.map((event) => event.key);
          expect(new Set(keys).size).toBe(keys.length);
          expect(write.events.every((event) => event.type === write.type || write.type === 'barrier')).toBe(true);
        }
      }),
    );
  });
});
