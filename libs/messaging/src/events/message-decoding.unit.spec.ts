import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@billing/contracts';
import fc from 'fast-check';
import { z } from 'zod';
import { eventMessage } from './event-message';
import { defineEvent, EventRegistry } from './event-registry';
import { envelopeSchema, isEnvelope, MessageDecoder } from './message-decoding';

const invoiceEvents = EventRegistry.of(
  defineEvent('InvoiceIssued', 1, z.object({ invoiceId: z.string(), amount: z.int() })),
  defineEvent('InvoiceIssued', 2, z.object({ invoiceId: z.string(), amount: z.int(), currency: z.string() })),
  defineEvent('InvoicePaid', 1, z.object({ invoiceId: z.string() })),
  defineEvent('InvoiceCancelled', 1, z.object({ invoiceId: z.string() })),
);

const position = { topic: 'billing.invoices.v1', partition: 3, offset: '42' };

function envelope(type: string, schemaVersion: number, data: unknown): EventEnvelope {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion,
    data,
    metadata: { correlationId: 'c-1', occurredAt: '2025-01-01T00:00:00Z', partitionKey: 'customer-7' },
  };
}

const bytes = (event: unknown) => Buffer.from(JSON.stringify(event));

describe('decoding a consumed message', () => {
  const decoder = new MessageDecoder({ events: invoiceEvents, handles: ['InvoiceIssued', 'InvoicePaid'] });

  it('gives a handled event its validated data and its position', () => {
    const sent = envelope('InvoiceIssued', 1, { invoiceId: 'inv-1', amount: 1200, extra: 'dropped' });
    const decoded = decoder.decode(bytes(sent), position);
    expect(decoded).toEqual({
      kind: 'event',
      position,
      event: { ...sent, data: { invoiceId: 'inv-1', amount: 1200 }, position },
    });
  });

  it('reads the value of a message encoded by eventMessage', () => {
    const sent = envelope('InvoicePaid', 1, { invoiceId: 'inv-1' });
    const message = eventMessage(sent);
    expect(message.key).toBe('customer-7');
    expect(message.headers).toMatchObject({ 'event-type': 'InvoicePaid', 'schema-version': '1', 'event-id': sent.eventId });
    expect(decoder.decode(Buffer.from(message.value as string), position)).toMatchObject({ kind: 'event', event: { eventId: sent.eventId } });
  });

  it('validates each schema version with its own schema', () => {
    expect(decoder.decode(bytes(envelope('InvoiceIssued', 2, { invoiceId: 'i', amount: 1, currency: 'EUR' })), position).kind).toBe('event');
    expect(decoder.decode(bytes(envelope('InvoiceIssued', 2, { invoiceId: 'i', amount: 1 })), position)).toMatchObject({
      kind: 'poison',
      reason: 'schema-violation',
    });
  });

  it('skips a type of the contract the handler does not handle, without validating it', () => {
    expect(decoder.decode(bytes(envelope('InvoiceCancelled', 1, { nonsense: true })), position)).toEqual({
      kind: 'skipped',
      position,
      type: 'InvoiceCancelled',
    });
  });

  it.each([
    ['malformed-json', Buffer.from('{"eventId": '), 'JSON'],
    ['malformed-json', null, 'no value'],
    ['invalid-envelope', bytes({ type: 'InvoicePaid', data: {} }), 'eventId'],
    ['invalid-envelope', bytes({ ...envelope('InvoicePaid', 1, {}), eventId: 'not-a-uuid' }), 'eventId'],
    ['unknown-event-type', bytes(envelope('InvoiceShredded', 1, {})), 'InvoiceShredded'],
    ['unknown-schema-version', bytes(envelope('InvoicePaid', 9, { invoiceId: 'x' })), 'v9'],
    ['schema-violation', bytes(envelope('InvoiceIssued', 1, { invoiceId: 'inv-1', amount: '12.00' })), 'amount'],
  ])('marks %s as poison and says why', (reason, value, detail) => {
    const decoded = decoder.decode(value, position);
    expect(decoded).toMatchObject({ kind: 'poison', reason, position });
    expect(decoded.kind === 'poison' && decoded.error).toContain(detail);
  });

  it('skips unread a message whose event-type header names a type of the contract it does not handle', () => {
    const headers = { 'event-type': Buffer.from('InvoiceCancelled') };
    expect(decoder.decode(Buffer.from('not even JSON'), position, headers)).toEqual({ kind: 'skipped', position, type: 'InvoiceCancelled' });
  });

  it('reads in full a message whose header names a type it handles, or one the contract does not know', () => {
    expect(decoder.decode(Buffer.from('{"eventId": '), position, { 'event-type': Buffer.from('InvoicePaid') })).toMatchObject({ kind: 'poison', reason: 'malformed-json' });
    expect(decoder.decode(bytes(envelope('InvoicePaid', 1, { invoiceId: 'x' })), position, { 'event-type': 'InvoiceShredded' }).kind).toBe('event');
    const paid = eventMessage(envelope('InvoicePaid', 1, { invoiceId: 'x' }));
    expect(decoder.decode(Buffer.from(paid.value as string), position, paid.headers as Record<string, string>).kind).toBe('event');
  });

  it('accepts by hand exactly the envelopes the schema accepts', () => {
    const valid = envelope('InvoicePaid', 1, { invoiceId: 'x' });
    const anyValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant([]), fc.constant({}), fc.uuid(), fc.constant(''));
    const field = fc.constantFrom('eventId', 'type', 'schemaVersion', 'data', 'metadata', 'extra');
    const metadataField = fc.constantFrom('correlationId', 'causationId', 'occurredAt', 'partitionKey', 'traceparent', 'tracestate', 'extra');
    const variant = fc.oneof(
      fc.tuple(field, anyValue).map(([key, value]) => ({ ...valid, [key]: value })),
      fc.tuple(metadataField, anyValue).map(([key, value]) => ({ ...valid, metadata: { ...valid.metadata, [key]: value } })),
      anyValue,
    );
    fc.assert(
      fc.property(variant, (candidate) => {
        const json = JSON.parse(JSON.stringify(candidate ?? null)) as unknown;
        expect(isEnvelope(json)).toBe(envelopeSchema.safeParse(json).success);
      }),
      { numRuns: 2_000 },
    );
  });

  it('asks the handler whether an event concerns it before validating its data, and validates when unsure', () => {
    const ours = new MessageDecoder({
      events: invoiceEvents,
      handles: ['InvoiceIssued', 'InvoicePaid'],
      concerns: (event) => (event.data as { invoiceId: string }).invoiceId.startsWith('ours-'),
    });
    // none of its business: passed by unvalidated (amount is not an integer)
    expect(ours.decode(bytes(envelope('InvoiceIssued', 1, { invoiceId: 'theirs-1', amount: '12.00' })), position)).toEqual({ kind: 'skipped', position, type: 'InvoiceIssued' });
    expect(ours.decode(bytes(envelope('InvoiceIssued', 1, { invoiceId: 'ours-1', amount: '12.00' })), position)).toMatchObject({ kind: 'poison', reason: 'schema-violation' });
    expect(ours.decode(bytes(envelope('InvoiceIssued', 1, { invoiceId: 'ours-1', amount: 1200 })), position).kind).toBe('event');
    // concerns throws on data without an invoiceId: the schema has the last word
    expect(ours.decode(bytes(envelope('InvoicePaid', 1, {})), position)).toMatchObject({ kind: 'poison', reason: 'schema-violation' });
  });

  it('handles every type of the registry when no subset is named', () => {
    const all = new MessageDecoder({ events: invoiceEvents });
    expect(all.decode(bytes(envelope('InvoiceCancelled', 1, { invoiceId: 'x' })), position).kind).toBe('event');
  });

  it('refuses to handle a type the registry does not define', () => {
    expect(() => new MessageDecoder({ events: invoiceEvents, handles: ['InvoiceRefunded' as 'InvoicePaid'] })).toThrow(/InvoiceRefunded/);
  });

  it('refuses a registry defining one version twice', () => {
    const schema = z.object({});
    expect(() => EventRegistry.of(defineEvent('InvoicePaid', 1, schema), defineEvent('InvoicePaid', 1, schema))).toThrow(/twice/);
  });
});
