// An aggregate as a decider: pure functions over plain data. Time, ids and prices arrive in the
// command, so the same history and command always decide the same events.
import type { DomainEvent } from '../event-store/event-store';

export interface Decider<Command, Event extends DomainEvent, State> {
  /** The state of a stream that has no events. */
  initialState: () => State;
  /** The state after one more event (events are facts: evolve never refuses one). */
  evolve: (state: State, event: Event) => State;
  /** The events that the command causes in this state; throws a domain error to refuse it. */
  decide: (command: Command, state: State) => Event | readonly Event[];
}

/** The state after the given events, from the initial state. */
export function foldEvents<Event extends DomainEvent, State>(
  decider: Pick<Decider<never, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** `decide`'s result as a list (a decider may return one event or several). */
export function decidedEvents<Event extends DomainEvent>(decided: Event | readonly Event[]): readonly Event[] {
  return Array.isArray(decided) ? (decided as readonly Event[]) : [decided as Event];
}
