// The rules every adapter applies the same way before writing, so that the contract suite can
// hold all of them to one behaviour.
import type { DomainEvent, ExpectedVersion, NewEvent } from './event-store';
import { WrongExpectedVersionError } from './wrong-expected-version-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses a batch that could never be stored correctly, before any I/O. */
export function assertAppendable(streamId: string, events: readonly NewEvent<DomainEvent>[]): void {
  if (!streamId) throw new TypeError('an event stream id must not be empty');
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.eventId)) throw new TypeError(`event id ${JSON.stringify(event.eventId)} is not a UUID`);
    if (ids.has(event.eventId.toLowerCase())) throw new TypeError(`event id ${event.eventId} appears twice in one append`);
    ids.add(event.eventId.toLowerCase());
    if (!event.type) throw new TypeError(`event ${event.eventId} has no type`);
    if (!event.metadata?.partitionKey) throw new TypeError(`event ${event.eventId} (${event.type}) has no metadata.partitionKey`);
  }
}

/** Throws unless a stream at `actual` may take an append that expected `expected`. */
export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  if (expected === 'any') return;
  const wanted = expected === 'noStream' ? 0 : expected;
  if (wanted !== actual) throw new WrongExpectedVersionError(streamId, expected, actual);
}
