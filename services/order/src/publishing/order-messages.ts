// What the outbox relay publishes on billing.orders.v1: each stored domain event becomes its
// integration event of @billing/contracts, with the stored event's id (one message per event),
// so a republish after a crash carries the same id and consumers recognise it.
import type { EventEnvelope, IntegrationEvent, OrderItem } from '@billing/contracts';
import type { OutboxMessageMapper, StoredEvent } from '@billing/eventsourcing';
import type { OrderedItem, OrderEvent } from '../domain/order';

function contractItem(item: OrderedItem): OrderItem {
  return {
    itemId: item.itemId,
    planCode: item.planCode,
    universe: item.universe,
    period: item.period,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    ...(item.engagementDuration ? { engagementDuration: item.engagementDuration } : {}),
    ...(item.options.length > 0
      ? { options: item.options.map(({ planCode, quantity, unitPrice }) => ({ planCode, quantity, unitPrice })) }
      : {}),
  };
}

/** The integration event of a domain event; every order event is public. */
export function integrationEventOf(event: OrderEvent): IntegrationEvent {
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, subsidiary, currency, items, totals, autoPay, paymentMethodId, placedAt } = event.data;
      return {
        type: 'OrderPlaced',
        schemaVersion: 1,
        data: {
          orderId,
          customerId,
          subsidiary,
          currency,
          items: items.map(contractItem),
          totals,
          autoPay,
          ...(paymentMethodId ? { paymentMethodId } : {}),
          placedAt,
        },
      };
    }
    case 'OrderInvoiced': {
      const { orderId, customerId, invoiceId, amountDue, invoicedAt } = event.data;
      return {
        type: 'OrderNotPaid',
        schemaVersion: 1,
        data: { orderId, customerId, invoiceId, amountDue, reason: 'awaitingPayment', notPaidAt: invoicedAt },
      };
    }
    case 'OrderPaymentFailed': {
      const { orderId, customerId, invoiceId, amountDue, failedAt } = event.data;
      return {
        type: 'OrderNotPaid',
        schemaVersion: 1,
        data: { orderId, customerId, invoiceId, amountDue, reason: 'paymentFailed', notPaidAt: failedAt },
      };
    }
    case 'OrderPaid': {
      const { orderId, customerId, invoiceId, paymentId, paidAt } = event.data;
      return { type: 'OrderPaid', schemaVersion: 1, data: { orderId, customerId, invoiceId, paymentId, paidAt } };
    }
    case 'OrderDelivered': {
      const { orderId, customerId, subsidiary, items, deliveredAt } = event.data;
      return { type: 'OrderDelivered', schemaVersion: 1, data: { orderId, customerId, subsidiary, items: items.map(contractItem), deliveredAt } };
    }
    case 'OrderCancelled': {
      const { orderId, customerId, reason, invoiceId, cancelledAt } = event.data;
      return { type: 'OrderCancelled', schemaVersion: 1, data: { orderId, customerId, reason, ...(invoiceId ? { invoiceId } : {}), cancelledAt } };
    }
    case 'OrderWithdrawn': {
      const { orderId, customerId, invoiceId, itemIds, refundAmount, withdrawnAt } = event.data;
      return { type: 'OrderWithdrawn', schemaVersion: 1, data: { orderId, customerId, invoiceId, itemIds: [...itemIds], refundAmount, withdrawnAt } };
    }
  }
}

export const orderMessages: OutboxMessageMapper = (stored: StoredEvent) => {
  const event = integrationEventOf({ type: stored.type, data: stored.data } as OrderEvent);
  const envelope: EventEnvelope = { eventId: stored.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: stored.metadata };
  return [envelope];
};
