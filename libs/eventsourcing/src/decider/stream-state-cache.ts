// The states a process folded from streams, with the version each was folded to: the next command
// on a stream still kept reads only what came after (readStreamsAfter) instead of its whole
// history. It pays where the same streams come back within the cache's reach: an order's invoice
// outcomes seconds apart, a customer's account for each invoice of his renewal day. (A service
// renewed once a month among millions is long gone by its next renewal: it starts from its
// snapshot instead, see BatchCommandHandler.)
// Only what is committed goes in; a writer elsewhere (a replica, a one-by-one handler) is caught
// up with by that read, and the append's expected version still guards every decision.
import type { DomainEvent, StoredEvent } from '../event-store/event-store';
import type { StreamSnapshot } from '../postgres/postgres-event-store';
import type { Decider } from './decider';

/** A stream's state with the version it was folded to: what the cache keeps, as a snapshot does. */
export type CachedState<State> = StreamSnapshot<State>;

/**
 * Streams a cache keeps by default: the streams that come back do so within seconds (an order's
 * outcomes, a customer's invoices of one renewal day), and a few MB are full within a minute: at
 * 10,000 orders, the order service's heap kept growing for eight minutes of a sustained run.
 */
const DEFAULT_STREAMS = 2_000;

export class StreamStateCache<State> {
  private readonly entries = new Map<string, CachedState<State>>();

  constructor(private readonly maxStreams = DEFAULT_STREAMS) {}

  get size(): number {
    return this.entries.size;
  }

  get(streamId: string): CachedState<State> | undefined {
    return this.entries.get(streamId);
  }

  /** Keeps the state folded to `version`; the oldest entries make room past `maxStreams`. */
  set(streamId: string, version: number, state: State): void {
    const known = this.entries.get(streamId);
    // a slower caller's older read never replaces a newer state
    if (known && known.version > version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { version, state });
    while (this.entries.size > this.maxStreams) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Each stream's cached entry, none for those it does not know: where its read starts. */
  basesOf(streamIds: readonly string[]): Map<string, CachedState<State> | undefined> {
    return new Map(streamIds.map((streamId) => [streamId, this.entries.get(streamId)]));
  }

  /**
   * A stream's state at the version read: the base it was read after (or the decider's initial
   * state) with the events read folded on, kept for next time.
   */
  catchUp<Event extends DomainEvent>(
    decider: Pick<Decider<never, Event, State>, 'evolve' | 'initialState'>,
    streamId: string,
    base: CachedState<State> | undefined,
    read: StreamRead<Event>,
  ): CachedState<State> {
    const folded = foldedOn(decider, base, read);
    this.set(streamId, folded.version, folded.state);
    return folded;
  }
}

type StreamRead<Event extends DomainEvent> = Readonly<{ events: readonly StoredEvent<Event>[]; currentVersion: number }>;

/** A stream's state at the version read: the events read folded on the base (or the decider's initial state). */
export function foldedOn<State, Event extends DomainEvent>(
  decider: Pick<Decider<never, Event, State>, 'evolve' | 'initialState'>,
  base: CachedState<State> | undefined,
  read: StreamRead<Event>,
): CachedState<State> {
  const state = read.events.reduce((current, event) => decider.evolve(current, { type: event.type, data: event.data } as Event), base?.state ?? decider.initialState());
  return { version: read.currentVersion, state };
}

/** The version to read each stream after: its base's, 0 without one. */
export function versionsAfter<State>(bases: ReadonlyMap<string, CachedState<State> | undefined>): Map<string, number> {
  return new Map([...bases].map(([streamId, base]) => [streamId, base?.version ?? 0]));
}
