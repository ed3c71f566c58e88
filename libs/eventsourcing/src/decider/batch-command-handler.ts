// Runs the commands of a run of events (a consumer's batch) on their streams in two statements:
// one read of every stream, one append of everything decided. What each command decides is what
// CommandHandler would decide running them one after the other: a stream named twice is decided
// on as the earlier command left it, and a command that is refused leaves its stream as it was.
import type { EventMetadata } from '@billing/contracts';
import type { DomainEvent, NewEvent } from '../event-store/event-store';
import { isLostAppendRace, type PostgresEventStore, type StreamAppend } from '../postgres/postgres-event-store';
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

export class BatchCommandHandler<Command, Event extends DomainEvent, State> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: Decider<Command, Event, State>,
    /** The streams' states kept between runs: each run reads only what came after them. */
    private readonly options: { cache?: StreamStateCache<State> } = {},
  ) {}

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
    return outcomes;
  }

  /** Every stream's state and version: folded from its whole history, or on from the cached state. */
  private async read(streamIds: readonly string[]): Promise<Map<string, { state: State; version: number; events: NewEvent<Event>[] }>> {
    const { cache } = this.options;
    const ids = [...new Set(streamIds)];
    const bases = cache?.basesOf(ids) ?? new Map<string, CachedState<State> | undefined>(ids.map((streamId) => [streamId, undefined]));
    const streams = new Map<string, { state: State; version: number; events: NewEvent<Event>[] }>();
    for (const [streamId, read] of await this.store.readStreamsAfter<Event>(versionsAfter(bases))) {
      const { state, version } = cache ? cache.catchUp(this.decider, streamId, bases.get(streamId), read) : foldedOn(this.decider, undefined, read);
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
