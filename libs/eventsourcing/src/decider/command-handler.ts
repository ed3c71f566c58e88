// Runs a command against an event-sourced stream: load, fold, decide, append with the version
// that was read, and decide again on a fresh read when a concurrent write got there first.
import type { EventMetadata } from '@billing/contracts';
import type { DomainEvent, EventStore, ExpectedVersion, NewEvent } from '../event-store/event-store';
import { WrongExpectedVersionError } from '../event-store/wrong-expected-version-error';
import { newTimeOrderedId } from '../event-ids/event-ids';
import { decidedEvents, type Decider } from './decider';

export interface CommandHandlerOptions {
  /** Attempts in all when appends keep losing version races (default 3). */
  maxAttempts?: number;
  /** Ids for new events (default: time-ordered UUID v7s; infrastructure, not the decider, names events). */
  newEventId?: () => string;
}

export interface HandleOptions {
  /**
   * The version the caller saw (an HTTP `If-Match`, say). A conflict with it is reported, not
   * retried: deciding again on a newer state would act on a state the caller never saw.
   */
  expectedVersion?: Exclude<ExpectedVersion, 'any'>;
}

export interface CommandResult<Event extends DomainEvent, State> {
  streamId: string;
  /** The stream's version after the command (unchanged when it decided nothing). */
  nextExpectedVersion: number;
  newEvents: NewEvent<Event>[];
  newState: State;
  /** 1 when the first append went through; more when version races forced a retry. */
  attempts: number;
}

export class CommandHandler<Command, Event extends DomainEvent, State> {
  private readonly maxAttempts: number;
  private readonly newEventId: () => string;

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<Command, Event, State>,
    options: CommandHandlerOptions = {},
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.newEventId = options.newEventId ?? newTimeOrderedId;
  }

  /**
   * @param metadata carried by every event the command causes (correlation, causation, time,
   * partition key, trace context).
   * @throws what `decide` throws (domain refusals), or WrongExpectedVersionError when the
   * attempts are spent or `expectedVersion` does not match.
   */
  async handle(streamId: string, command: Command, metadata: EventMetadata, options: HandleOptions = {}): Promise<CommandResult<Event, State>> {
    const attempts = options.expectedVersion === undefined ? this.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      const { events, currentVersion } = await this.store.readStream<Event>(streamId);
      if (options.expectedVersion !== undefined && expectedAsNumber(options.expectedVersion) !== currentVersion) {
        throw new WrongExpectedVersionError(streamId, options.expectedVersion, currentVersion);
      }
      const state = events.reduce<State>((current, event) => this.decider.evolve(current, domainEventOf(event)), this.decider.initialState());
      const decided = decidedEvents(this.decider.decide(command, state));
      const newState = decided.reduce(this.decider.evolve, state);
      if (decided.length === 0) return { streamId, nextExpectedVersion: currentVersion, newEvents: [], newState, attempts: attempt };

      const newEvents = decided.map((event) => ({ ...event, eventId: this.newEventId(), metadata }) as NewEvent<Event>);
      try {
        const { nextExpectedVersion } = await this.store.append(streamId, newEvents, { expectedVersion: currentVersion === 0 ? 'noStream' : currentVersion });
        return { streamId, nextExpectedVersion, newEvents, newState, attempts: attempt };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
      }
    }
  }
}

function expectedAsNumber(expected: Exclude<ExpectedVersion, 'any'>): number {
  return expected === 'noStream' ? 0 : expected;
}

/** The decider sees the event as it was decided: type and data, not the storage envelope. */
function domainEventOf<Event extends DomainEvent>(event: Event): Event {
  return { type: event.type, data: event.data } as Event;
}
