import { createHash } from 'node:crypto';
import { eventHeaders } from '@billing/contracts';
import fc from 'fast-check';
import type { StoredEvent } from '../event-store/event-store';
import { derivedEventId, envelopeOf, kafkaMessageOf, publishAsStored } from './outbox-messages';

const stored: StoredEvent = {
  eventId: '0d1c9e4e-0b6f-4a57-9a3e-5b8f3f0f6a11',
  type: 'InvoiceIssued',
  schemaVersion: 2,
  data: { invoiceId: 'FR-2025-000123', totalMinor: 1199 },
  metadata: {
    correlationId: 'order-77',
    causationId: 'command-5',
    occurredAt: '2025-03-01T10:00:00.000Z',
    partitionKey: 'customer-42',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
  streamId: 'invoice-FR-2025-000123',
  streamVersion: 1,
  position: { transactionId: '900', globalPosition: '12' },
  storedAt: '2025-03-01T10:00:00.010Z',
};

describe('outbox messages', () => {
  it('publishes a stored event as its wire envelope, without storage coordinates', () => {
    expect(publishAsStored(stored)).toEqual([
      { eventId: stored.eventId, type: 'InvoiceIssued', schemaVersion: 2, data: stored.data, metadata: stored.metadata },
    ]);
  });

  it('keys the Kafka message by partition key and carries the envelope headers', () => {
    const message = kafkaMessageOf(envelopeOf(stored));
    expect(message.key).toBe('customer-42');
    expect(JSON.parse(message.value as string)).toEqual(envelopeOf(stored));
    expect(message.headers).toEqual({
      [eventHeaders.eventType]: 'InvoiceIssued',
      [eventHeaders.schemaVersion]: '2',
      [eventHeaders.eventId]: stored.eventId,
      [eventHeaders.correlationId]: 'order-77',
      [eventHeaders.causationId]: 'command-5',
      [eventHeaders.traceparent]: stored.metadata.traceparent,
    });
  });

  it('leaves out the optional headers the event does not have', () => {
    const { causationId: _causation, traceparent: _trace, ...metadata } = stored.metadata;
    const headers = kafkaMessageOf(envelopeOf({ ...stored, metadata })).headers ?? {};
    expect(Object.keys(headers)).toEqual([eventHeaders.eventType, eventHeaders.schemaVersion, eventHeaders.eventId, eventHeaders.correlationId]);
  });

  it('derives the same UUID from the same source event and discriminator, and different ones otherwise', () => {
    const id = derivedEventId(stored.eventId, 'InvoiceIssued.v1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedEventId(stored.eventId.toUpperCase(), 'InvoiceIssued.v1')).toBe(id);
    expect(derivedEventId(stored.eventId, 'InvoicePaid.v1')).not.toBe(id);
  });

  it('keeps the ids it has always derived (they are stored, and repeats are recognised by them)', () => {
    expect(derivedEventId('0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', 'InvoiceIssued.v1')).toBe('11ede53d-57e7-53b8-9865-01f9af60d8c5');
    // the UUID v5 layout over SHA-1, written out byte by byte
    const reference = (source: string, discriminator: string) => {
      const digest = createHash('sha1').update(`${source.toLowerCase()}/${discriminator}`).digest();
      digest[6] = (digest[6] & 0x0f) | 0x50;
      digest[8] = (digest[8] & 0x3f) | 0x80;
      const hex = digest.subarray(0, 16).toString('hex');
      return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
    };
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.string()), fc.string(), (source, discriminator) => {
        expect(derivedEventId(source, discriminator)).toBe(reference(source, discriminator));
      }),
      { numRuns: 2_000 },
    );
  });
});
