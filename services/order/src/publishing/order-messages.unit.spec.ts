import { parseIntegrationEvent } from '@billing/contracts';
import type { StoredEvent } from '@billing/eventsourcing';
import type { OrderEvent } from '../domain/order';
import { orderMessages } from './order-messages';

const eur = (value: number) => ({ currency: 'EUR' as const, value });
const ids = {
  orderId: '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b',
  invoiceId: 'a3c1e5f7-2b4d-4e6f-8a0c-1d3f5b7d9e1a',
  paymentId: 'd4f6a8b0-2c4e-4f6a-8b0c-3d5f7a9b1c3e',
  itemId: '6f1c9d2e-8b7a-4c3d-9e2f-0a1b2c3d4e5f',
};
const customerId = 'cust-camille';
const item = {
  itemId: ids.itemId,
  planCode: 'cloud-instance-b3-16',
  universe: 'cloud' as const,
  label: 'Instance B3-16',
  period: 'P1M' as const,
  quantity: 2,
  unitPrice: eur(7799),
  lineTotal: eur(15598),
  taxRate: 2000,
  options: [{ planCode: 'cloud-block-storage-1tb', label: 'Block storage', quantity: 1, unitPrice: eur(4400), lineTotal: eur(4400), taxRate: 2000 }],
};

const domainEvents: OrderEvent[] = [
  {
    type: 'OrderPlaced',
    data: {
      orderId: ids.orderId,
      customerId,
      subsidiary: 'FR',
      currency: 'EUR',
      items: [item],
      tax: { treatment: 'standard', rate: 2000, taxCountry: 'FR' },
      totals: { withoutTax: eur(19998), tax: eur(4000), withTax: eur(23998) },
      catalogVersion: '2026.1',
      pricingDate: '2026-07-01',
      autoPay: true,
      paymentMethodId: 'pm_1',
      customer: {},
      requestHash: 'abc',
      placedAt: '2026-07-01T10:00:00.000Z',
    },
  },
  { type: 'OrderInvoiced', data: { orderId: ids.orderId, customerId, invoiceId: ids.invoiceId, invoiceNumber: 'FR-1', amountDue: eur(23998), billedTo: { country: 'FR' }, invoicedAt: '2026-07-01T10:00:01.000Z' } },
  {
    type: 'OrderPaymentFailed',
    data: { orderId: ids.orderId, customerId, invoiceId: ids.invoiceId, paymentId: ids.paymentId, attempt: 1, reason: 'declined', retryable: false, amountDue: eur(23998), failedAt: '2026-07-01T10:00:02.000Z' },
  },
  { type: 'OrderPaid', data: { orderId: ids.orderId, customerId, invoiceId: ids.invoiceId, paymentId: ids.paymentId, amount: eur(23998), paidAt: '2026-07-01T10:00:03.000Z' } },
  { type: 'OrderDelivered', data: { orderId: ids.orderId, customerId, subsidiary: 'FR', currency: 'EUR', items: [item], deliveredAt: '2026-07-01T10:00:04.000Z' } },
  { type: 'OrderCancelled', data: { orderId: ids.orderId, customerId, reason: 'customerRequest', cancelledAt: '2026-07-01T10:00:05.000Z' } },
  {
    type: 'OrderWithdrawn',
    data: { orderId: ids.orderId, customerId, invoiceId: ids.invoiceId, itemIds: [ids.itemId], refundAmount: eur(23998), reason: 'withdrawal', withdrawnAt: '2026-07-02T10:00:00.000Z' },
  },
];

function stored(event: OrderEvent, version: number): StoredEvent {
  return {
    ...event,
    eventId: `00000000-0000-4000-8000-00000000000${version}`,
    schemaVersion: 1,
    metadata: { correlationId: 'corr', occurredAt: '2026-07-01T10:00:00.000Z', partitionKey: customerId },
    streamId: `order-${ids.orderId}`,
    streamVersion: version,
    position: { transactionId: '1', globalPosition: String(version) },
    storedAt: '2026-07-01T10:00:00.000Z',
  };
}

describe('publishing order events on billing.orders.v1', () => {
  it.each(domainEvents.map((event, index) => [event.type, event, index + 1] as const))(
    '%s becomes a contract-valid integration event keyed by the customer, with the stored id',
    (_type, event, version) => {
      const [envelope] = orderMessages(stored(event, version));
      const parsed = parseIntegrationEvent(envelope.type, envelope.schemaVersion, envelope.data);
      if (!parsed.success) throw parsed.error;
      expect(envelope.eventId).toBe(`00000000-0000-4000-8000-00000000000${version}`);
      expect(envelope.metadata.partitionKey).toBe(customerId);
    },
  );

  it('names the reason an order is not paid', () => {
    expect(orderMessages(stored(domainEvents[1], 2))[0]).toMatchObject({ type: 'OrderNotPaid', data: { reason: 'awaitingPayment', amountDue: eur(23998) } });
    expect(orderMessages(stored(domainEvents[2], 3))[0]).toMatchObject({ type: 'OrderNotPaid', data: { reason: 'paymentFailed' } });
  });

  it('delivers every item with what subscription needs to create its service', () => {
    const [delivered] = orderMessages(stored(domainEvents[4], 5));
    expect(delivered.data).toEqual({
      orderId: ids.orderId,
      customerId,
      subsidiary: 'FR',
      items: [
        {
          itemId: ids.itemId,
          planCode: 'cloud-instance-b3-16',
          universe: 'cloud',
          period: 'P1M',
          quantity: 2,
          unitPrice: eur(7799),
          options: [{ planCode: 'cloud-block-storage-1tb', quantity: 1, unitPrice: eur(4400) }],
        },
      ],
      deliveredAt: '2026-07-01T10:00:04.000Z',
    });
  });

  it('keeps private facts private (request hash, declared tax profile, invoice number)', () => {
    const [placed] = orderMessages(stored(domainEvents[0], 1));
    expect(placed.data).not.toHaveProperty('requestHash');
    expect(placed.data).not.toHaveProperty('customer');
    expect(orderMessages(stored(domainEvents[1], 2))[0].data).not.toHaveProperty('invoiceNumber');
  });
});
