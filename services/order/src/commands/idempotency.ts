// Idempotent one-click orders without a table of keys: the order id is derived from the customer
// and the Idempotency-Key, so a retry lands on the same event stream, where the first request's
// hash is stored in OrderPlaced (see PlaceOrder in order.decide.ts).
import { createHash } from 'node:crypto';

/** A name-based UUID (RFC 9562 v5 layout over SHA-1): the same customer and key, the same order id. */
export function orderIdForIdempotencyKey(customerId: string, idempotencyKey: string): string {
  // length-prefixed so that no (customer, key) pair can collide with another by concatenation
  const hash = createHash('sha1').update(`order-idempotency/${customerId.length}:${customerId}/${idempotencyKey}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON with object keys sorted at every level: the same request always reads the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the canonical request, hex. */
export function requestHashOf(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}
