import { parseIntegrationEvent } from '@billing/contracts';
import type { StoredEvent } from '@billing/eventsourcing';
import { renewalMessages } from './renewal-messages';

const metadata = { correlationId: 'c0a8e2b4-1d3f-4e5a-9b7c-2d4f6a8b0c1e', occurredAt: '2028-03-10T00:00:00.000Z', partitionKey: 'cust-camille' };
const key = { renewalTermId: '019ce9a4-8800-8210-8ed0-00e952bece34', serviceId: '5d8b1f3a-7c9e-4b2d-8f6a-3c5e7a9b1d2f', customerId: 'cust-camille' };

function stored(type: string, data: unknown): StoredEvent {
  return {
    eventId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
    type,
    schemaVersion: 1,
    data,
    metadata,
    streamId: `renewal-term-${key.renewalTermId}`,
    streamVersion: 1,
    position: { transactionId: '1', globalPosition: '1' },
    storedAt: metadata.occurredAt,
  } as StoredEvent;
}

describe('what the renewal service publishes', () => {
  it('publishes a term that ends unrenewed as RenewalGracePeriodEnded without invoice, valid for its contract', () => {
    const [envelope] = renewalMessages(stored('RenewalTermExpired', { ...key, expirationDate: '2028-03-10', reason: 'deleteAtExpiration', expiredAt: '2028-03-10T00:00:01.000Z' }));
    expect(envelope).toMatchObject({ eventId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', type: 'RenewalGracePeriodEnded', metadata });
    expect(envelope.data).toEqual({ ...key, expirationDate: '2028-03-10', endedAt: '2028-03-10T00:00:01.000Z' });
    expect(parseIntegrationEvent('RenewalGracePeriodEnded', 1, envelope.data).success).toBe(true);
  });

  it('publishes a term that ends unrenewed after it was invoiced also as RenewalCancelled, with an id of its own', () => {
    const invoiceId = '019ce9a4-8800-8b8a-a8d4-c514ef2d593d';
    const messages = renewalMessages(
      stored('RenewalTermExpired', { ...key, expirationDate: '2028-03-10', reason: 'terminationRequested', invoiceId, expiredAt: '2028-03-10T00:00:01.000Z' }),
    );
    expect(messages.map(({ type }) => type)).toEqual(['RenewalGracePeriodEnded', 'RenewalCancelled']);
    const [ended, cancelled] = messages;
    expect(ended).toMatchObject({ eventId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', data: { invoiceId } });
    expect(cancelled.eventId).not.toBe(ended.eventId);
    expect(cancelled).toMatchObject({ metadata });
    expect(cancelled.data).toEqual({ ...key, invoiceId, expirationDate: '2028-03-10', reason: 'notRenewed', cancelledAt: '2028-03-10T00:00:01.000Z' });
    expect(parseIntegrationEvent('RenewalCancelled', 1, cancelled.data).success).toBe(true);
    // the same stored event gives the same ids again: a relay's second copy is a duplicate
    expect(renewalMessages(stored('RenewalTermExpired', { ...key, expirationDate: '2028-03-10', reason: 'terminationRequested', invoiceId, expiredAt: '2028-03-10T00:00:01.000Z' }))[1].eventId).toBe(cancelled.eventId);
  });

  it('publishes a term cancelled by the termination of its service with its invoice issued as RenewalCancelled', () => {
    const invoiceId = '019ce9a4-8800-8b8a-a8d4-c514ef2d593d';
    const [envelope, ...more] = renewalMessages(
      stored('RenewalTermCancelled', { ...key, expirationDate: '2028-03-10', reason: 'serviceTerminated', invoiceId, cancelledAt: '2028-03-05T00:00:00.000Z' }),
    );
    expect(more).toEqual([]);
    expect(envelope).toMatchObject({ eventId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', type: 'RenewalCancelled', metadata });
    expect(envelope.data).toEqual({ ...key, invoiceId, expirationDate: '2028-03-10', reason: 'serviceTerminated', cancelledAt: '2028-03-05T00:00:00.000Z' });
    expect(parseIntegrationEvent('RenewalCancelled', 1, envelope.data).success).toBe(true);
  });

  it('publishes public term events as stored, with the stored id', () => {
    const lapsed = { ...key, expirationDate: '2028-03-10', suspensionDate: '2028-03-17', terminationDate: '2028-04-09', lapsedAt: '2028-03-10T00:00:01.000Z' };
    const [envelope] = renewalMessages(stored('RenewalLapsed', lapsed));
    expect(envelope).toMatchObject({ type: 'RenewalLapsed', schemaVersion: 1, data: lapsed });
    expect(parseIntegrationEvent('RenewalLapsed', 1, envelope.data).success).toBe(true);
  });

  it('keeps its bookkeeping private', () => {
    expect(renewalMessages(stored('RenewalInvoiceIssued', { ...key, invoiceId: '019ce9a4-8800-8b8a-a8d4-c514ef2d593d', issuedAt: metadata.occurredAt }))).toEqual([]);
    expect(renewalMessages(stored('RenewalTermCancelled', { ...key, expirationDate: '2028-03-10', reason: 'serviceTerminated', cancelledAt: metadata.occurredAt }))).toEqual([]);
  });
});
