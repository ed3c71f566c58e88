// Given/when/then for deciders: the events a stream already has, one command, and the events it
// must cause (or the refusal it must meet). Pure: no store, no clock.

/**
 * The decider shape of @billing/eventsourcing (`Decider`), restated: that library's own tests use
 * this one, so importing it here would make the two libraries depend on each other.
 */
export interface SpecifiedDecider<Command, Event, State> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event | readonly Event[];
}

export type ExpectedRefusal = (new (...args: never[]) => Error) | ((error: unknown) => boolean);

export interface DeciderThen<Event> {
  /** The command decides exactly these events, in this order. */
  then(expected: readonly Event[]): void;
  /** The command decides nothing (an idempotent repeat, say). */
  thenNothingHappened(): void;
  /** `decide` refuses the command with an error of this class, or one the predicate accepts. */
  thenThrows(expected: ExpectedRefusal): void;
}

export interface DeciderWhen<Command, Event> {
  when(command: Command): DeciderThen<Event>;
}

export interface DeciderGiven<Command, Event> {
  given(events: readonly Event[]): DeciderWhen<Command, Event>;
}

export const DeciderSpecification = {
  for<Command, Event, State>(decider: SpecifiedDecider<Command, Event, State>): DeciderGiven<Command, Event> {
    return {
      given: (history) => ({
        when: (command) => {
          const decide = (): readonly Event[] => {
            const decided = decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
            return Array.isArray(decided) ? decided : [decided as Event];
          };
          return {
            then: (expected) => expect(decide()).toEqual(expected),
            thenNothingHappened: () => expect(decide()).toEqual([]),
            thenThrows: (refusal) => {
              let decided: readonly Event[];
              try {
                decided = decide();
              } catch (error) {
                if (isErrorClass(refusal)) expect(error).toBeInstanceOf(refusal);
                else if (!refusal(error)) throw new Error(`the command was refused, but not as expected: ${describeError(error)}`);
                return;
              }
              throw new Error(`expected the command to be refused, but it decided ${JSON.stringify(decided)}`);
            },
          };
        },
      }),
    };
  },
};

function isErrorClass(refusal: ExpectedRefusal): refusal is new (...args: never[]) => Error {
  return refusal.prototype instanceof Error || refusal === Error;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error);
}
