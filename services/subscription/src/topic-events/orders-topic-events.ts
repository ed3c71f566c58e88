// The events of billing.orders.v1 as subscription decodes them (the contract's schemas): every
// type of the topic is listed, so the ones it ignores are skipped, not dead-lettered.
import { integrationEvents } from '@billing/contracts';
import { defineEvent, EventRegistry } from '@billing/messaging';

export const ordersTopicEvents = EventRegistry.of(
  defineEvent('OrderPlaced', 1, integrationEvents.OrderPlaced.schema),
  defineEvent('OrderNotPaid', 1, integrationEvents.OrderNotPaid.schema),
  defineEvent('OrderPaid', 1, integrationEvents.OrderPaid.schema),
  defineEvent('OrderDelivered', 1, integrationEvents.OrderDelivered.schema),
  defineEvent('OrderCancelled', 1, integrationEvents.OrderCancelled.schema),
  defineEvent('OrderWithdrawn', 1, integrationEvents.OrderWithdrawn.schema),
);

export type OrdersTopicEnvelope = typeof ordersTopicEvents extends EventRegistry<infer E> ? E : never;
