// Runs the commands of a run of events (a consumer's batch) on their streams in two statements:
// one read of every stream, one append of everything decided. What each command decides is what
// CommandHandler would decide running them one after the other: a stream named twice is decided
// on as the earlier command left it, and a command that is refused leaves its stream as it was.
// A stream's state is folded from its whole history, or on from where a StreamStateCache or a
// snapshot left it: streams that come back within seconds stay in the cache, long streams that
// come back once a month (a service's renewals) start from their snapshot.
import type { EventMetadata } from '@billing/contracts';
import type { DomainEvent, NewEvent } from '../event-store/event-store';
import { isLostAppendRace, type PostgresEventStore, type StreamAppend, type StreamSnapshot } from '../postgres/postgres-event-store';
import { decidedEvents, type Decider } from './decider';
import { foldedOn, versionsAfter, type CachedState, type StreamStateCache } from './stream-state-cache';

export type BatchCommand<Command> = Readonly<{
  streamId: string;
  command: Command;
  metadata: EventMetadata;
  /** The id of the command's `index`th new event: derive it from the cause, so a replay finds it stored. */
  eventId: (index: number) => string;
}>;

export type BatchCommandOutcome<Event extends DomainEvent, State> =
  | Readonly<{ kind: 'decided'; newEvents: NewEvent<Event>[]; newState: State }>
  /** what `decide` threw: nothing of this command is appended */
  | Readonly<{ kind: 'refused'; error: unknown }>;

/**
 * When a run takes snapshots of its streams' states, and which it trusts. The state must survive
 * JSON (plain objects, arrays, strings, numbers, booleans): it is read back parsed.
 */
export type SnapshotPolicy = Readonly<{
  /**
   * The state's shape, e.g. `service@1`. Change it whenever the state, evolve or the upcasting of
   * the stream's events changes: the snapshots of any other kind are ignored (and replaced as
   * streams cross their next multiple).
   */
  kind: string;
  /** A snapshot each time a run takes a stream across a multiple of this many events. */
  every: number;
}>;

export class BatchCommandHandler<Command, Event extends DomainEvent, State> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: Decider<Command, Event, State>,
    private readonly options: {
      /** The streams' states kept between runs: each run reads only what came after them. */
      cache?: StreamStateCache<State>;
      /** Streams the cache does not hold start from their snapshot, when they have one. */
      snapshots?: SnapshotPolicy;
    } = {},
  ) {
    if (options.snapshots && !(Number.isSafeInteger(options.snapshots.every) && options.snapshots.every > 0)) {
      throw new Error(`a snapshot every ${options.snapshots.every} events: not a positive whole number`);
    }
  }

  /**
   * Decides every command and appends what they decided in one statement, each stream at the
   * version read. Returns each command's outcome, in order.
   * @throws WrongExpectedVersionError, or a unique violation, when a stream moved since the read:
   * nothing is appended, and the caller runs the commands one by one (CommandHandler), which reads
   * again and decides again.
   */
  async handleAll(commands: readonly BatchCommand<Command>[]): Promise<BatchCommandOutcome<Event, State>[]> {
    const streams = await this.read(commands.map(({ streamId }) => streamId));
    const outcomes = commands.map(({ streamId, command, metadata, eventId }): BatchCommandOutcome<Event, State> => {
      const stream = streams.get(streamId) as { state: State; version: number; events: NewEvent<Event>[] };
      let decided: readonly Event[];
      try {
        decided = decidedEvents(this.decider.decide(command, stream.state));
      } catch (error) {
        return { kind: 'refused', error };
      }
      const newEvents = decided.map((event, index) => ({ ...event, eventId: eventId(index), metadata }) as NewEvent<Event>);
      stream.state = decided.reduce(this.decider.evolve, stream.state);
      stream.events.push(...newEvents);
      return { kind: 'decided', newEvents, newState: stream.state };
    });
    const appends: StreamAppend<Event>[] = [];
    for (const [streamId, { version, events }] of streams) {
      if (events.length > 0) appends.push({ streamId, events, expectedVersion: version === 0 ? 'noStream' : version });
    }
    if (appends.length > 0) await this.store.appendToStreams(appends);
    // committed: the states the run left are the streams' states at their new versions
    for (const [streamId, { state, version, events }] of streams) if (events.length > 0) this.options.cache?.set(streamId, version + events.length, state);
    await this.takeSnapshots(streams);
    return outcomes;
  }

  /** A snapshot of each stream the run took across a multiple of `every`, at its new version. */
  private async takeSnapshots(streams: ReadonlyMap<string, { state: State; version: number; events: readonly unknown[] }>): Promise<void> {
    const { snapshots } = this.options;
    if (!snapshots) return;
    const due = new Map<string, StreamSnapshot<State>>();
    for (const [streamId, { state, version, events }] of streams) {
      const reached = version + events.length;
      if (Math.floor(reached / snapshots.every) > Math.floor(version / snapshots.every)) due.set(streamId, { version: reached, state });
    }
    // the events are committed and the stream is the truth: a snapshot that failed to save costs
    // the next reads a few more events, and the stream's next multiple takes another
    await this.store.saveSnapshots(snapshots.kind, due).catch(() => undefined);
  }

  /**
   * Every stream's state and version: folded from its whole history, or on from the cached state,
   * or on from its snapshot.
   */
  private async read(streamIds: readonly string[]): Promise<Map<string, { state: State; version: number; events: NewEvent<Event>[] }>> {
    const { cache, snapshots } = this.options;
    const ids = [...new Set(streamIds)];
    const bases = cache?.basesOf(ids) ?? new Map<string, CachedState<State> | undefined>(ids.map((streamId) => [streamId, undefined]));
    if (snapshots) {
      const uncached = ids.filter((streamId) => bases.get(streamId) === undefined);
      for (const [streamId, snapshot] of await this.store.readSnapshots<State>(snapshots.kind, uncached)) bases.set(streamId, snapshot);
    }
    const streams = new Map<string, { state: State; version: number; events: NewEvent<Event>[] }>();
    for (const [streamId, read] of await this.store.readStreamsAfter<Event>(versionsAfter(bases))) {
      const { state, version } = cache ? cache.catchUp(this.decider, streamId, bases.get(streamId), read) : foldedOn(this.decider, bases.get(streamId), read);
      streams.set(streamId, { state, version, events: [] });
    }
    return streams;
  }

  /**
   * `handleAll`, or, when a stream moved since the read, `oneByOne(index)` for each command in
   * order (a CommandHandler reads again and decides again): the outcomes, or undefined when the
   * commands went one by one.
   */
  async handleAllOrEach(commands: readonly BatchCommand<Command>[], oneByOne: (index: number) => Promise<void>): Promise<BatchCommandOutcome<Event, State>[] | undefined> {
    try {
      return await this.handleAll(commands);
    } catch (error) {
      if (!isLostAppendRace(error)) throw error;
    }
    for (let index = 0; index < commands.length; index++) await oneByOne(index);
    return undefined;
  }
}
