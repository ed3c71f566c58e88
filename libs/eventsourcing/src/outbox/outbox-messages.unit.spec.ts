import { eventHeaders } from '@billing/contracts';
import type { StoredEvent } from '../event-store/event-store';
import { envelopeOf, kafkaMessageOf, publishAsStored } from './outbox-messages';

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
});
