// The order's life after the click, with this suite playing invoicing on billing.invoices.v1:
// invoiced → paid → delivered, failed payments, cancellation, duplicates, withdrawal.
import { randomUUID } from 'node:crypto';
import { waitUntil } from '@billing/testing';
import { OrderServiceUnderTest, invoicing, uniqueCustomer, type PlacedOrderAnswer } from './order-service';

describe('the life of an order', () => {
  let service: OrderServiceUnderTest;

  beforeAll(async () => {
    service = await OrderServiceUnderTest.start('lifecycle');
  });

  afterAll(async () => {
    await service?.close();
  });

  async function placeOrder(customerId: string, body: Record<string, unknown> = {}): Promise<PlacedOrderAnswer> {
    const answer = await service.request<PlacedOrderAnswer>('POST', '/orders', {
      customerId,
      body: {
        subsidiary: 'FR',
        autoPay: true,
        paymentMethodId: 'pm_card_visa',
        items: [
          { planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 },
          { planCode: 'cloud-instance-b3-16', period: 'P1M', quantity: 2, options: [{ planCode: 'cloud-block-storage-1tb', quantity: 1 }] },
        ],
        ...body,
      },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  }

  const post = (customerId: string, path: string) => service.request('POST', path, { customerId });

  it('issued then paid: notPaid, then delivered, with every item handed to subscription', async () => {
    const customerId = uniqueCustomer('happy');
    const order = await placeOrder(customerId);
    const invoiceId = randomUUID();
    const paymentId = randomUUID();

    await service.publishInvoicing(invoicing.issued(customerId, order, invoiceId));
    const notPaid = await service.waitForStatus(customerId, order.orderId, 'notPaid');
    expect(notPaid).toMatchObject({ invoiceId, amountDue: order.totals.withTax, notPaidReason: 'awaitingPayment' });

    await service.publishInvoicing(invoicing.paid(customerId, order, invoiceId, paymentId));
    const delivered = await service.waitForStatus(customerId, order.orderId, 'delivered');
    expect(delivered).toMatchObject({ invoiceId, paymentId, paidAt: '2026-07-01T10:00:02.000Z', deliveredAt: expect.any(String) });

    const [, orderNotPaid, orderPaid, orderDelivered] = await service.ordersTopic.waitForTypes(order.orderId, ['OrderPlaced', 'OrderNotPaid', 'OrderPaid', 'OrderDelivered']);
    expect(orderNotPaid.data).toMatchObject({ invoiceId, reason: 'awaitingPayment', amountDue: order.totals.withTax });
    expect(orderPaid.data).toEqual({ orderId: order.orderId, customerId, invoiceId, paymentId, paidAt: '2026-07-01T10:00:02Z' });
    expect(orderDelivered.key).toBe(customerId);
    expect(orderDelivered.data).toEqual({
      orderId: order.orderId,
      customerId,
      subsidiary: 'FR',
      items: [
        { itemId: order.items[0].itemId, planCode: 'web-hosting-pro', universe: 'web', period: 'P1Y', quantity: 1, unitPrice: { currency: 'EUR', value: 8199 } },
        {
          itemId: order.items[1].itemId,
          planCode: 'cloud-instance-b3-16',
          universe: 'cloud',
          period: 'P1M',
          quantity: 2,
          unitPrice: { currency: 'EUR', value: 7799 },
          options: [{ planCode: 'cloud-block-storage-1tb', quantity: 1, unitPrice: { currency: 'EUR', value: 4400 } }],
        },
      ],
      deliveredAt: delivered.deliveredAt,
    });
  });

  it('a failed payment leaves it notPaid; a later payment still delivers it', async () => {
    const customerId = uniqueCustomer('failed-then-paid');
    const order = await placeOrder(customerId);
    const invoiceId = randomUUID();

    await service.publishInvoicing(invoicing.issued(customerId, order, invoiceId), invoicing.paymentFailed(customerId, order, invoiceId));
    await service.ordersTopic.waitForTypes(order.orderId, ['OrderPlaced', 'OrderNotPaid', 'OrderNotPaid']);
    expect(service.ordersTopic.ofOrder(order.orderId)[2].data).toMatchObject({ reason: 'paymentFailed', invoiceId });
    expect(await service.waitForStatus(customerId, order.orderId, 'notPaid', { notPaidReason: 'paymentFailed' })).toMatchObject({ invoiceId });

    await service.publishInvoicing(invoicing.paid(customerId, order, invoiceId));
    await service.waitForStatus(customerId, order.orderId, 'delivered');
    await service.ordersTopic.waitForTypes(order.orderId, ['OrderPlaced', 'OrderNotPaid', 'OrderNotPaid', 'OrderPaid', 'OrderDelivered']);
  });

  it('is cancelled while notPaid, naming its invoice; a delivered order cannot be', async () => {
    const customerId = uniqueCustomer('canceller');
    const order = await placeOrder(customerId);
    const invoiceId = randomUUID();
    await service.publishInvoicing(invoicing.issued(customerId, order, invoiceId));
    await service.waitForStatus(customerId, order.orderId, 'notPaid');

    const cancelled = await post(customerId, `/orders/${order.orderId}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { orderId: order.orderId, status: 'cancelled', invoiceId } });
    expect((await post(customerId, `/orders/${order.orderId}/cancel`)).status).toBe(200);
    const [, , orderCancelled] = await service.ordersTopic.waitForTypes(order.orderId, ['OrderPlaced', 'OrderNotPaid', 'OrderCancelled']);
    expect(orderCancelled.data).toMatchObject({ orderId: order.orderId, customerId, reason: 'customerRequest', invoiceId });
    expect(orderCancelled.data).not.toHaveProperty('refundAmount');
    expect(await service.waitForStatus(customerId, order.orderId, 'cancelled')).toMatchObject({ cancellationReason: 'customerRequest' });

    // a payment captured after the cancellation does not revive it (invoicing refunds it)
    await service.publishInvoicing(invoicing.paid(customerId, order, invoiceId));

    const delivered = await placeOrder(customerId);
    const deliveredInvoice = randomUUID();
    await service.publishInvoicing(invoicing.issued(customerId, delivered, deliveredInvoice), invoicing.paid(customerId, delivered, deliveredInvoice));
    await service.waitForStatus(customerId, delivered.orderId, 'delivered');
    expect(await post(customerId, `/orders/${delivered.orderId}/cancel`)).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_CANCELLABLE' } });
    // the first order's invoicing events were handled before the second's (one partition, in order)
    expect(service.ordersTopic.ofOrder(order.orderId).map((event) => event.type)).toEqual(['OrderPlaced', 'OrderNotPaid', 'OrderCancelled']);
    expect((await service.request('GET', `/orders/${order.orderId}/status`, { customerId })).body).toMatchObject({ status: 'cancelled' });
  });

  it('a cancellation while checking names no invoice', async () => {
    const customerId = uniqueCustomer('early-cancel');
    const order = await placeOrder(customerId);
    expect(await post(customerId, `/orders/${order.orderId}/cancel`)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    const [, orderCancelled] = await service.ordersTopic.waitForTypes(order.orderId, ['OrderPlaced', 'OrderCancelled']);
    expect(orderCancelled.data).not.toHaveProperty('invoiceId');
  });

  it('an invoicing event delivered twice has the effect of once', async () => {
    const customerId = uniqueCustomer('duplicates');
    const order = await placeOrder(customerId);
    const invoiceId = randomUUID();
    const issued = invoicing.issued(customerId, order, invoiceId);
    const failed = invoicing.paymentFailed(customerId, order, invoiceId);
    const paid = invoicing.paid(customerId, order, invoiceId);
    // the same messages twice (at-least-once delivery), and the payment once more as invoicing's
    // relay might republish it after a crash of its own
    await service.publishInvoicing(issued, issued, failed, failed, paid, paid, { ...paid, eventId: randomUUID() });
    await service.waitForStatus(customerId, order.orderId, 'delivered');

    // a later order of the same customer (same partition) proves every duplicate was read past
    const next = await placeOrder(customerId);
    const nextInvoice = randomUUID();
    await service.publishInvoicing(invoicing.issued(customerId, next, nextInvoice), invoicing.paid(customerId, next, nextInvoice));
    await service.ordersTopic.waitForTypes(next.orderId, ['OrderPlaced', 'OrderNotPaid', 'OrderPaid', 'OrderDelivered']);
    expect(service.ordersTopic.ofOrder(order.orderId).map((event) => event.type)).toEqual(['OrderPlaced', 'OrderNotPaid', 'OrderNotPaid', 'OrderPaid', 'OrderDelivered']);
    expect(await service.storedEventsOfCustomer(customerId)).toBe(5 + 4);
  });

  it("ignores invoices that are not an order's, and invoicing events naming another customer", async () => {
    const customerId = uniqueCustomer('not-ours');
    const order = await placeOrder(customerId);
    const invoiceId = randomUUID();
    // invoicing never does this; still, another customer's event must not pay this order
    const forged = invoicing.paid(uniqueCustomer('mallory'), order, invoiceId);
    const renewal = invoicing.paid(customerId, order, invoiceId, randomUUID(), { kind: 'renewal', renewalTermId: randomUUID(), serviceId: randomUUID() });
    await service.publishInvoicing(forged, renewal);
    await waitUntil(() => service.hasReactedTo(forged.eventId), { description: 'the forged event handled' });
    expect(await service.storedEventsOfCustomer(customerId)).toBe(1);

    // the next event of the customer's partition comes after the renewal's invoice: read past it
    await service.publishInvoicing(invoicing.issued(customerId, order, invoiceId));
    await service.ordersTopic.waitForTypes(order.orderId, ['OrderPlaced', 'OrderNotPaid']);
    expect(await service.waitForStatus(customerId, order.orderId, 'notPaid')).toMatchObject({ invoiceId });
    expect(service.ordersTopic.ofOrder(order.orderId).map((event) => event.type)).toEqual(['OrderPlaced', 'OrderNotPaid']);
    // turned away before any database work: not even recorded as processed
    expect(await service.hasReactedTo(renewal.eventId)).toBe(false);
  });

  it("another customer's order is not found: no view, no cancel, no withdrawal", async () => {
    const owner = uniqueCustomer('owner');
    const order = await placeOrder(owner);
    await service.waitForStatus(owner, order.orderId, 'checking');
    const intruder = uniqueCustomer('intruder');
    for (const [method, path] of [
      ['GET', `/orders/${order.orderId}`],
      ['GET', `/orders/${order.orderId}/status`],
      ['POST', `/orders/${order.orderId}/cancel`],
      ['POST', `/orders/${order.orderId}/withdraw`],
    ] as const) {
      expect(await service.request(method, path, { customerId: intruder })).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
    }
    expect(await service.request('POST', `/orders/${order.orderId}/cancel`)).toMatchObject({ status: 401 });
    expect(await service.waitForStatus(owner, order.orderId, 'checking')).toMatchObject({ status: 'checking' });
  });

  it('operators see any order with its history; customers may not', async () => {
    const customerId = uniqueCustomer('supported');
    const order = await placeOrder(customerId);
    await service.waitForStatus(customerId, order.orderId, 'checking');
    expect(await service.request('GET', `/operator/orders/${order.orderId}`, { customerId })).toMatchObject({ status: 403, body: { code: 'OPERATOR_ROLE_REQUIRED' } });
    const seen = await service.request<{ order: Record<string, unknown>; history: { type: string }[] }>('GET', `/operator/orders/${order.orderId}`, {
      customerId: 'ops-alice',
      roles: ['operator'],
    });
    expect(seen.status).toBe(200);
    expect(seen.body.order).toMatchObject({ orderId: order.orderId, customerId, status: 'checking' });
    expect(seen.body.history.map((entry) => entry.type)).toEqual(['OrderPlaced']);
    expect(await service.request('GET', `/operator/orders/${randomUUID()}`, { customerId: 'ops-alice', roles: ['operator'] })).toMatchObject({ status: 404 });
  });

  describe('EU withdrawal', () => {
    async function deliveredOrder(customerId: string, billedTo?: { country: string; vatNumber?: string }): Promise<{ order: PlacedOrderAnswer; invoiceId: string }> {
      const order = await placeOrder(customerId);
      const invoiceId = randomUUID();
      await service.publishInvoicing(invoicing.issued(customerId, order, invoiceId, billedTo), invoicing.paid(customerId, order, invoiceId));
      await service.waitForStatus(customerId, order.orderId, 'delivered');
      return { order, invoiceId };
    }

    it('a consumer withdraws within 14 days: the services end and the amount paid is refunded', async () => {
      const customerId = uniqueCustomer('withdrawer');
      const { order, invoiceId } = await deliveredOrder(customerId);
      service.clock.advance({ hours: 24 * 13 });

      const withdrawn = await post(customerId, `/orders/${order.orderId}/withdraw`);
      expect(withdrawn).toMatchObject({ status: 200, body: { status: 'withdrawn', invoiceId, refundAmount: order.totals.withTax } });
      const events = await service.ordersTopic.waitForTypes(order.orderId, ['OrderPlaced', 'OrderNotPaid', 'OrderPaid', 'OrderDelivered', 'OrderWithdrawn']);
      expect(events[4].data).toEqual({
        orderId: order.orderId,
        customerId,
        invoiceId,
        itemIds: order.items.map((item) => item.itemId),
        refundAmount: order.totals.withTax,
        withdrawnAt: withdrawn.body.withdrawnAt,
      });
      expect(await service.waitForStatus(customerId, order.orderId, 'withdrawn')).toMatchObject({ refundAmount: order.totals.withTax });
    });

    it('a business cannot withdraw', async () => {
      const customerId = uniqueCustomer('business');
      const { order } = await deliveredOrder(customerId, { country: 'FR', vatNumber: 'FR40303265045' });
      expect(await post(customerId, `/orders/${order.orderId}/withdraw`)).toMatchObject({ status: 422, body: { code: 'WITHDRAWAL_NOT_APPLICABLE' } });
    });

    it('an order not delivered cannot be withdrawn from', async () => {
      const customerId = uniqueCustomer('too-early');
      const order = await placeOrder(customerId);
      expect(await post(customerId, `/orders/${order.orderId}/withdraw`)).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_DELIVERED' } });
    });

    // moves the service's clock 15 days on: last in the file
    it('is refused once the 14 days are over', async () => {
      const customerId = uniqueCustomer('too-late');
      const { order } = await deliveredOrder(customerId);
      service.clock.advance({ hours: 24 * 15 });
      expect(await post(customerId, `/orders/${order.orderId}/withdraw`)).toMatchObject({ status: 422, body: { code: 'WITHDRAWAL_PERIOD_OVER' } });
      expect(service.ordersTopic.ofOrder(order.orderId).map((event) => event.type)).not.toContain('OrderWithdrawn');
    });
  });
});
