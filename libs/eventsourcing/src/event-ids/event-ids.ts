// The ids the platform mints for events and for what it derives from them. They lead with a time
// (UUID v7 and v8, RFC 9562), so that the ids written together sit next to each other in every
// B-tree keyed by them (event_id, processed_events, streams named by id): a run over 10,000
// services then touches a few dozen leaf pages of those indexes, not 10,000 pages that each cost a
// full-page image in the write-ahead log after a checkpoint. The time in an id is only an order:
// business time comes from the clock port, and nothing reads a date back from an id.
import { hash, randomUUID } from 'node:crypto';

/** A UUID v7 or v8 at the start of a string: its first 48 bits are a time. */
const timeOrderedUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[78][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/i;

const MAX_MILLISECONDS = 2 ** 48;

/** The 12 hex digits of a 48-bit millisecond count. */
function millisecondsHex(epochMilliseconds: number): string {
  if (!Number.isInteger(epochMilliseconds) || epochMilliseconds < 0 || epochMilliseconds >= MAX_MILLISECONDS) {
    throw new RangeError(`an id's time must be a whole number of milliseconds in [0, 2^48): ${epochMilliseconds}`);
  }
  return epochMilliseconds.toString(16).padStart(12, '0');
}

/**
 * A new id for an event, or for anything else minted once and stored (an order, a plan change): UUID v7, the
 * millisecond this process minted it, then 74 random bits.
 */
export function newTimeOrderedId(): string {
  // randomUUID draws from Node's entropy cache; its 122 random bits give the 74 v7 needs
  const random = randomUUID();
  const time = millisecondsHex(Date.now());
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

/** The time prefix (12 hex digits) of a source that starts with a UUID v7 or v8, if it does. */
function timePrefixOf(source: string): string | undefined {
  if (!timeOrderedUuid.test(source)) return undefined;
  return `${source.slice(0, 8)}${source.slice(9, 13)}`.toLowerCase();
}

/**
 * A stable id derived from a source (an event id, an invoice id, `${invoiceId}:${attempt}` …) and a
 * discriminator: the same inputs give the same id, on every replica and on every redelivery.
 *
 * - A source that starts with a time-ordered id (v7, or v8 derived from one) passes its 48-bit time
 *   on: the result is a UUID v8 with that time, then 74 bits of SHA-1 over the inputs. What one
 *   cause derives is stored next to it.
 * - `sortedAt` (epoch milliseconds) gives a root its time explicitly, from its inputs (a renewal
 *   term's start, say), so that replicas agree on it.
 * - Any other source (v4, v5, a name) keeps the UUID v5 layout over SHA-1 of the inputs. Ids
 *   derived before time-ordered ids existed came from such sources, so a message redelivered across
 *   the upgrade derives the id it derived before.
 */
export function derivedEventId(source: string, discriminator: string, sortedAt?: number): string {
  // one-shot hash: a sixth of createHash's cost, and services mint several ids per event
  const hex = hash('sha1', `${source.toLowerCase()}/${discriminator}`, 'hex');
  // variant 10 in the high bits of byte 8
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const time = sortedAt === undefined ? timePrefixOf(source) : millisecondsHex(sortedAt);
  // version 8 (time-ordered) or 5 in the high nibble of byte 6
  const head = time === undefined ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5` : `${time.slice(0, 8)}-${time.slice(8, 12)}-8`;
  return `${head}${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
