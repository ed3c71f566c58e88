import { parseIntegrationEvent } from '@billing/contracts';
import type { StoredEvent } from '@billing/eventsourcing';
import { TerminationTokens } from '../commands/termination-tokens';
import type { ServiceEvent } from '../domain/service';
import { serviceMessages } from './service-messages';

const serviceId = '5b0c9a1e-2d3f-4e5a-8b6c-7d8e9f0a1b2c';
const customerId = 'cust-camille';
const termId = '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6';
const at = '2027-02-01T10:00:00.000Z';
const eur = (value: number) => ({ currency: 'EUR' as const, value });
const tokens = TerminationTokens.fromConfig('a-secret-of-at-least-thirty-two-characters', 'production');
const requestId = 'e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9';
const token = tokens.tokenOf(serviceId, requestId);

const events: ServiceEvent[] = [
  {
    type: 'ServiceActivated',
    data: {
      serviceId,
      customerId,
      orderId: '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
      itemId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      subsidiary: 'FR',
      universe: 'dedicated',
      planCode: 'dedicated-advance-2',
      period: 'P1M',
      price: eur(12999),
      anchorDate: '2027-01-31',
      expirationDate: '2027-02-28',
      renewMode: 'automatic',
      engagement: { duration: 'P12M', engagedUpTo: '2028-01-31' },
      activatedAt: at,
    },
  },
  {
    type: 'ServiceImported',
    data: {
      serviceId,
      customerId,
      legacyServiceId: 'L-1',
      subsidiary: 'FR',
      universe: 'web',
      planCode: 'web-hosting-pro',
      period: 'P1Y',
      price: eur(7999),
      anchorDate: '2027-03-15',
      expirationDate: '2027-03-15',
      renewMode: 'manual',
      legacy: true,
      importedAt: at,
    },
  },
  { type: 'ServiceContractAccepted', data: { serviceId, customerId, contractVersion: '2026-01', renewMode: 'automatic', acceptedAt: at } },
  { type: 'ServiceRenewModeChanged', data: { serviceId, customerId, renewMode: 'manual', previousRenewMode: 'automatic', changedAt: at } },
  { type: 'ServiceRenewPeriodChanged', data: { serviceId, customerId, period: 'P1Y', previousPeriod: 'P1M', price: eur(8199), changedAt: at } },
  { type: 'ServiceExpirationExtended', data: { serviceId, customerId, renewalTermId: termId, previousExpirationDate: '2027-02-28', expirationDate: '2027-03-31', extendedAt: at } },
  {
    type: 'ServicePlanChanged',
    data: {
      serviceId,
      customerId,
      planChangeId: '7c6b5a49-3828-4716-9504-f3e2d1c0b9a8',
      universe: 'web',
      previousPlanCode: 'web-hosting-pro',
      planCode: 'web-hosting-performance',
      previousPrice: eur(799),
      price: eur(1599),
      termStartDate: '2027-01-31',
      effectiveDate: '2027-02-14',
      expirationDate: '2027-02-28',
      unusedOldPlanCredit: eur(-400),
      newPlanCharge: eur(800),
      changedAt: at,
    },
  },
  {
    type: 'ServiceTerminationRequested',
    data: { serviceId, customerId, requestId, tokenHash: TerminationTokens.hashOf(token), tokenExpiresAt: '2027-02-03T10:00:00.000Z', atEngagementEnd: false, requestedAt: at },
  },
  { type: 'ServiceTerminationConfirmed', data: { serviceId, customerId, reason: 'TOO_EXPENSIVE', futureUse: 'OTHER', commentary: 'bye', effective: 'atExpiration', effectiveDate: '2027-02-28', confirmedAt: at } },
  { type: 'ServiceTerminationCancelled', data: { serviceId, customerId, cancelledAt: at } },
  { type: 'ServiceMarkedUnpaid', data: { serviceId, customerId, renewalTermId: termId, expirationDate: '2027-02-28', markedAt: at } },
  { type: 'ServiceSuspended', data: { serviceId, customerId, reason: 'unpaidRenewal', renewalTermId: termId, suspendedAt: at } },
  { type: 'ServiceReopened', data: { serviceId, customerId, renewalTermId: termId, expirationDate: '2027-03-31', reopenedAt: at } },
  { type: 'ServiceTerminated', data: { serviceId, customerId, reason: 'unpaidRenewal', terminatedAt: at } },
];

function stored(event: ServiceEvent, position: number): StoredEvent {
  return {
    ...event,
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    schemaVersion: 1,
    metadata: { correlationId: 'c-1', occurredAt: at, partitionKey: customerId },
    streamId: `service-${serviceId}`,
    streamVersion: position,
    position: { transactionId: '1', globalPosition: String(position) },
    storedAt: at,
  };
}

describe('what the outbox relay publishes on billing.services.v1', () => {
  const toMessages = serviceMessages(tokens);

  it.each(events.map((event, index) => [event.type, event, index + 1] as const))('%s: one contract-valid event under the stored id and metadata', (_type, event, position) => {
    const [envelope, ...more] = toMessages(stored(event, position));
    expect(more).toEqual([]);
    expect(envelope).toMatchObject({ eventId: stored(event, position).eventId, type: event.type, schemaVersion: 1, metadata: { partitionKey: customerId } });
    const parsed = parseIntegrationEvent(envelope.type, envelope.schemaVersion, envelope.data);
    if (!parsed.success) throw parsed.error;
  });

  it('carries the termination token in the notification only: the stored event has its hash, the message no hash', () => {
    const event = events.find((candidate) => candidate.type === 'ServiceTerminationRequested') as ServiceEvent;
    expect(JSON.stringify(event)).not.toContain(token);
    const [envelope] = toMessages(stored(event, 8));
    expect(envelope.data).toEqual({ serviceId, customerId, token, tokenExpiresAt: '2027-02-03T10:00:00.000Z', requestedAt: at });
    expect(TerminationTokens.hashOf((envelope.data as { token: string }).token)).toBe((event.data as { tokenHash: string }).tokenHash);
  });

  it('derives the same token from the same request, and another one under another secret', () => {
    expect(tokens.tokenOf(serviceId, requestId)).toBe(token);
    expect(tokens.tokenOf(serviceId, 'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f')).not.toBe(token);
    expect(TerminationTokens.fromConfig('another-secret-of-at-least-thirty-two-chars', 'production').tokenOf(serviceId, requestId)).not.toBe(token);
  });

  it('refuses to run in production without a secret of its own', () => {
    expect(() => TerminationTokens.fromConfig(undefined, 'production')).toThrow('TERMINATION_TOKEN_SECRET');
  });

  it("gives invoicing the plan change's credit and charge", () => {
    const event = events.find((candidate) => candidate.type === 'ServicePlanChanged') as ServiceEvent;
    const [envelope] = toMessages(stored(event, 7));
    expect(envelope.data).toMatchObject({ unusedOldPlanCredit: eur(-400), newPlanCharge: eur(800), previousPrice: eur(799), price: eur(1599) });
  });
});
