// The states a process keeps between runs: folded on from where they were, never replaced by an
// older read, the oldest making room past the limit.
import type { StoredEvent } from '../event-store/event-store';
import { StreamStateCache, versionsAfter } from './stream-state-cache';

type Counted = { type: 'Counted'; data: { by: number } };
const counter = { initialState: () => 0, evolve: (total: number, event: Counted) => total + event.data.by };
const stored = (streamVersion: number, by: number) => ({ type: 'Counted', data: { by }, streamVersion }) as unknown as StoredEvent<Counted>;

describe('StreamStateCache', () => {
  it('given no state, when a stream is read, then it is folded from the start and kept at the version read', () => {
    const cache = new StreamStateCache<number>();
    const bases = cache.basesOf(['s-1']);
    expect(versionsAfter(bases)).toEqual(new Map([['s-1', 0]]));
    expect(cache.catchUp(counter, 's-1', bases.get('s-1'), { events: [stored(1, 2), stored(2, 3)], currentVersion: 2 })).toEqual({ version: 2, state: 5 });
    expect(cache.get('s-1')).toEqual({ version: 2, state: 5 });
  });

  it('given a state, when what came after is read, then it is folded on from that state', () => {
    const cache = new StreamStateCache<number>();
    cache.set('s-1', 2, 5);
    const bases = cache.basesOf(['s-1', 's-2']);
    expect(versionsAfter(bases)).toEqual(new Map([['s-1', 2], ['s-2', 0]]));
    expect(cache.catchUp(counter, 's-1', bases.get('s-1'), { events: [stored(3, 10)], currentVersion: 3 })).toEqual({ version: 3, state: 15 });
    expect(cache.catchUp(counter, 's-1', cache.get('s-1'), { events: [], currentVersion: 3 })).toEqual({ version: 3, state: 15 });
  });

  it('given a newer state, when an older read comes back, then the newer state stays', () => {
    const cache = new StreamStateCache<number>();
    cache.set('s-1', 4, 40);
    cache.set('s-1', 3, 30);
    expect(cache.get('s-1')).toEqual({ version: 4, state: 40 });
  });

  it('given more streams than it keeps, when one more comes, then the one stored longest ago goes', () => {
    const cache = new StreamStateCache<number>(2);
    cache.set('s-1', 1, 1);
    cache.set('s-2', 1, 2);
    cache.set('s-1', 2, 3);
    cache.set('s-3', 1, 4);
    expect([cache.size, cache.get('s-1'), cache.get('s-2'), cache.get('s-3')]).toEqual([2, { version: 2, state: 3 }, undefined, { version: 1, state: 4 }]);
  });
});
