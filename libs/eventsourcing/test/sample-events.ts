// Events for the store's tests, shaped like the services' own (a customer's services).
import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@billing/contracts';
import type { NewEvent } from '../src';

export type ServiceEvent =
  | { type: 'ServiceActivated'; data: { serviceId: string; planCode: string; expirationDate: string } }
  | { type: 'ServiceRenewModeChanged'; data: { serviceId: string; renewMode: 'automatic' | 'manual' | 'deleteAtExpiration' } };

export function metadataFor(customerId: string, overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: '2025-03-01T10:00:00.000Z',
    partitionKey: customerId,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ...overrides,
  };
}

/** A renew-mode change of one service, with a fresh id. */
export function renewModeChanged(serviceId: string, customerId = 'customer-1', renewMode: 'automatic' | 'manual' = 'manual'): NewEvent<ServiceEvent> {
  return { eventId: randomUUID(), type: 'ServiceRenewModeChanged', data: { serviceId, renewMode }, metadata: metadataFor(customerId) };
}

export function serviceActivated(serviceId: string, customerId = 'customer-1'): NewEvent<ServiceEvent> {
  return {
    eventId: randomUUID(),
    type: 'ServiceActivated',
    data: { serviceId, planCode: 'web-hosting-pro', expirationDate: '2026-03-01' },
    metadata: metadataFor(customerId),
  };
}

/** `count` events of one service's history: activation, then renew-mode changes. */
export function serviceHistory(serviceId: string, count: number, customerId = 'customer-1'): NewEvent<ServiceEvent>[] {
  return Array.from({ length: count }, (_, index) =>
    index === 0 ? serviceActivated(serviceId, customerId) : renewModeChanged(serviceId, customerId, index % 2 ? 'manual' : 'automatic'),
  );
}
