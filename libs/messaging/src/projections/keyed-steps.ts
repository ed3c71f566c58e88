// How a projection writes a run of events in a few statements instead of one per event. Events
// that touch one row each (an order, a bill) are independent across rows: only each row's own
// events must keep their order. So a run is cut into steps: an event goes one step after the
// previous event of its row, and every step is written as one statement per event type. A run of
// "paid A, delivered A, paid B, delivered B" becomes two statements: paid {A, B}, delivered {A, B}.
// An event that touches several rows, or is too rare to be worth a batch, is a barrier: the steps
// before it are written, then it alone, then the rest.

export interface KeyedStepsPlan<E, T extends string> {
  /** The row an event touches, or undefined for a barrier (written alone, in its place). */
  keyOf(event: E): string | undefined;
  typeOf(event: E): T;
  /** Writes events of one type, one per row (each key at most once), in log order. */
  writeBatch(type: T, events: readonly E[]): Promise<void>;
  /** Writes a barrier event. */
  writeOne(event: E): Promise<void>;
}

/** Writes `events` in steps that keep each key's events in log order (see the header). */
export async function writeInKeyedSteps<E, T extends string>(events: readonly E[], plan: KeyedStepsPlan<E, T>): Promise<void> {
  let steps: Map<T, E[]>[] = [];
  let depth = new Map<string, number>();
  const flush = async () => {
    for (const step of steps) for (const [type, batch] of step) await plan.writeBatch(type, batch);
    steps = [];
    depth = new Map();
  };
  for (const event of events) {
    const key = plan.keyOf(event);
    if (key === undefined) {
      await flush();
      await plan.writeOne(event);
      continue;
    }
    const at = (depth.get(key) ?? -1) + 1;
    depth.set(key, at);
    const step = (steps[at] ??= new Map());
    const type = plan.typeOf(event);
    const batch = step.get(type);
    if (batch) batch.push(event);
    else step.set(type, [event]);
  }
  await flush();
}
