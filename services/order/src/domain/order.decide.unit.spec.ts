import type { Money } from '@billing/billing-kernel';
import { DeciderSpecification } from '@billing/testing';
import type { OrderEvent, OrderPlacedData } from './order';
import { orderDecider, type OrderCommand } from './order.decide';
import {
  IdempotencyKeyReused,
  OrderNotCancellable,
  OrderNotDelivered,
  OrderNotFound,
  PaymentMethodRequired,
  WithdrawalNotApplicable,
  WithdrawalPeriodOver,
} from './order-refusals';

const eur = (value: number): Money => ({ currency: 'EUR', value });
const customerId = 'cust-camille';
const intruder = 'cust-mallory';
const orderId = '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b';
const invoiceId = 'a3c1e5f7-2b4d-4e6f-8a0c-1d3f5b7d9e1a';

const placedOrder: OrderPlacedData = {
  orderId,
  customerId,
  subsidiary: 'FR',
  currency: 'EUR',
  items: [
    {
      itemId: '6f1c9d2e-8b7a-4c3d-9e2f-0a1b2c3d4e5f',
      planCode: 'web-hosting-pro',
      universe: 'web',
      label: 'Web Hosting Pro',
      period: 'P1Y',
      quantity: 1,
      unitPrice: eur(8199),
      lineTotal: eur(8199),
      taxRate: 2000,
      options: [],
    },
    {
      itemId: '7a2d0e3f-9c8b-4d4e-8f30-1b2c3d4e5f60',
      planCode: 'telecom-voip-line-solo',
      universe: 'telecom',
      label: 'VoIP line',
      period: 'P1M',
      quantity: 2,
      unitPrice: eur(199),
      lineTotal: eur(398),
      taxRate: 2000,
      options: [],
    },
  ],
  tax: { treatment: 'standard', rate: 2000, taxCountry: 'FR' },
  totals: { withoutTax: eur(8597), tax: eur(1719), withTax: eur(10316) },
  catalogVersion: '2026.1',
  pricingDate: '2026-07-01',
  autoPay: true,
  paymentMethodId: 'pm_card_visa',
  customer: { country: 'FR' },
  requestHash: 'hash-of-the-first-request',
  placedAt: '2026-07-01T08:00:00.000Z',
};

// ── events ──
const orderPlaced: OrderEvent = { type: 'OrderPlaced', data: placedOrder };
const orderInvoiced = (vatNumber?: string): OrderEvent => ({
  type: 'OrderInvoiced',
  data: {
    orderId,
    customerId,
    invoiceId,
    invoiceNumber: 'FR2026-0000421',
    amountDue: eur(10316),
    billedTo: { country: 'FR', ...(vatNumber ? { vatNumber } : {}) },
    invoicedAt: '2026-07-01T08:00:02.000Z',
  },
});
const paymentFailed = (paymentId = 'c7e9a1b3-5d7f-4a1c-9e3b-5d7f9a1c3e5b'): OrderEvent => ({
  type: 'OrderPaymentFailed',
  data: {
    orderId,
    customerId,
    invoiceId,
    paymentId,
    attempt: 1,
    reason: 'insufficientFunds',
    retryable: true,
    amountDue: eur(10316),
    failedAt: '2026-07-01T08:00:03.000Z',
  },
});
const orderPaid: OrderEvent = {
  type: 'OrderPaid',
  data: { orderId, customerId, invoiceId, paymentId: 'd4f6a8b0-2c4e-4f6a-8b0c-3d5f7a9b1c3e', amount: eur(10316), paidAt: '2026-07-01T08:00:04.000Z' },
};
const orderDelivered = (deliveredAt = '2026-07-01T08:00:05.000Z', subsidiary: OrderPlacedData['subsidiary'] = 'FR'): OrderEvent => ({
  type: 'OrderDelivered',
  data: { orderId, customerId, subsidiary, currency: 'EUR', items: placedOrder.items, deliveredAt },
});
const orderCancelled = (withInvoice: boolean): OrderEvent => ({
  type: 'OrderCancelled',
  data: { orderId, customerId, reason: 'customerRequest', ...(withInvoice ? { invoiceId } : {}), cancelledAt: '2026-07-01T09:00:00.000Z' },
});
const orderWithdrawn = (withdrawnAt: string): OrderEvent => ({
  type: 'OrderWithdrawn',
  data: { orderId, customerId, invoiceId, itemIds: placedOrder.items.map((item) => item.itemId), refundAmount: eur(10316), reason: 'withdrawal', withdrawnAt },
});

// ── commands ──
const placeOrder = (changes: Partial<OrderPlacedData> = {}): OrderCommand => ({ type: 'PlaceOrder', data: { ...placedOrder, ...changes } });
const recordInvoiceIssued = (by = customerId, vatNumber?: string): OrderCommand => ({
  type: 'RecordInvoiceIssued',
  data: {
    orderId,
    customerId: by,
    invoiceId,
    invoiceNumber: 'FR2026-0000421',
    amountDue: eur(10316),
    billedTo: { country: 'FR', ...(vatNumber ? { vatNumber } : {}) },
    issuedAt: '2026-07-01T08:00:02.000Z',
  },
});
const recordInvoicePaid = (by = customerId): OrderCommand => ({
  type: 'RecordInvoicePaid',
  data: {
    orderId,
    customerId: by,
    invoiceId,
    paymentId: 'd4f6a8b0-2c4e-4f6a-8b0c-3d5f7a9b1c3e',
    amount: eur(10316),
    paidAt: '2026-07-01T08:00:04.000Z',
    deliveredAt: '2026-07-01T08:00:05.000Z',
  },
});
const recordPaymentFailed = (paymentId = 'c7e9a1b3-5d7f-4a1c-9e3b-5d7f9a1c3e5b', by = customerId): OrderCommand => ({
  type: 'RecordInvoicePaymentFailed',
  data: { ...(paymentFailed(paymentId).data as Extract<OrderCommand, { type: 'RecordInvoicePaymentFailed' }>['data']), customerId: by },
});
const cancelOrder = (by = customerId): OrderCommand => ({
  type: 'CancelOrder',
  data: { orderId, customerId: by, reason: 'customerRequest', cancelledAt: '2026-07-01T09:00:00.000Z' },
});
const withdrawOrder = (withdrawnAt: string, by = customerId): OrderCommand => ({ type: 'WithdrawOrder', data: { orderId, customerId: by, withdrawnAt } });

const spec = DeciderSpecification.for(orderDecider);

describe('Order decider', () => {
  describe('no order yet', () => {
    it('places a priced order (status checking)', () => {
      spec.given([]).when(placeOrder()).then([orderPlaced]);
    });

    it('refuses an automatic payment without a payment method to charge', () => {
      spec.given([]).when(placeOrder({ paymentMethodId: undefined })).thenThrows(PaymentMethodRequired);
    });

    it('places an order the customer pays himself without a payment method', () => {
      const manual = { ...placedOrder, autoPay: false, paymentMethodId: undefined };
      spec.given([]).when({ type: 'PlaceOrder', data: manual }).then([{ type: 'OrderPlaced', data: manual }]);
    });

    it.each([
      ['an issued invoice', recordInvoiceIssued()],
      ['a payment', recordInvoicePaid()],
      ['a failed payment', recordPaymentFailed()],
      ['a cancellation', cancelOrder()],
      ['a withdrawal', withdrawOrder('2026-07-02T10:00:00Z')],
    ])('does not know the order for %s', (_label, command) => {
      spec.given([]).when(command).thenThrows(OrderNotFound);
    });
  });

  describe('checking (placed, waiting for its invoice)', () => {
    it('answers a retry of the same request with nothing new', () => {
      spec.given([orderPlaced]).when(placeOrder({ placedAt: '2026-07-01T08:00:09.000Z' })).thenNothingHappened();
    });

    it('refuses another request under the same Idempotency-Key', () => {
      spec.given([orderPlaced]).when(placeOrder({ requestHash: 'another-request' })).thenThrows(IdempotencyKeyReused);
    });

    it("refuses the same order id for another customer", () => {
      spec.given([orderPlaced]).when(placeOrder({ customerId: intruder })).thenThrows(IdempotencyKeyReused);
    });

    it('goes notPaid when its invoice is issued, remembering the invoice', () => {
      spec.given([orderPlaced]).when(recordInvoiceIssued()).then([orderInvoiced()]);
    });

    it("ignores an invoice event naming another customer", () => {
      spec.given([orderPlaced]).when(recordInvoiceIssued(intruder)).thenThrows(OrderNotFound);
      spec.given([orderPlaced]).when(recordInvoicePaid(intruder)).thenThrows(OrderNotFound);
    });

    it('is paid and delivered with every item when the payment comes before the issue is seen', () => {
      spec.given([orderPlaced]).when(recordInvoicePaid()).then([orderPaid, orderDelivered()]);
    });

    it('goes notPaid when the payment fails', () => {
      spec.given([orderPlaced]).when(recordPaymentFailed()).then([paymentFailed()]);
    });

    it('is cancelled at the customer\'s request, without an invoice to name', () => {
      spec.given([orderPlaced]).when(cancelOrder()).then([orderCancelled(false)]);
    });

    it("cannot be cancelled by another customer", () => {
      spec.given([orderPlaced]).when(cancelOrder(intruder)).thenThrows(OrderNotFound);
    });

    it('cannot be withdrawn from before delivery', () => {
      spec.given([orderPlaced]).when(withdrawOrder('2026-07-01T10:00:00Z')).thenThrows(OrderNotDelivered);
    });
  });

  describe('notPaid (invoiced, not paid)', () => {
    const invoicedOrder = [orderPlaced, orderInvoiced()];

    it('answers a retry of the placement with nothing new', () => {
      spec.given(invoicedOrder).when(placeOrder()).thenNothingHappened();
    });

    it('ignores the same invoice issued again', () => {
      spec.given(invoicedOrder).when(recordInvoiceIssued()).thenNothingHappened();
    });

    it('is paid, then delivered', () => {
      spec.given(invoicedOrder).when(recordInvoicePaid()).then([orderPaid, orderDelivered()]);
    });

    it('records a failed payment attempt', () => {
      spec.given(invoicedOrder).when(recordPaymentFailed()).then([paymentFailed()]);
    });

    it('records a failed attempt once, however often it is reported', () => {
      spec.given([...invoicedOrder, paymentFailed()]).when(recordPaymentFailed()).thenNothingHappened();
    });

    it('records another failed attempt', () => {
      const retry = '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b';
      spec.given([...invoicedOrder, paymentFailed()]).when(recordPaymentFailed(retry)).then([paymentFailed(retry)]);
    });

    it('is still completed by a payment after a failed one', () => {
      spec.given([...invoicedOrder, paymentFailed()]).when(recordInvoicePaid()).then([orderPaid, orderDelivered()]);
    });

    it('is cancelled, naming its invoice so invoicing can cancel it', () => {
      spec.given(invoicedOrder).when(cancelOrder()).then([orderCancelled(true)]);
      spec.given([orderPlaced, paymentFailed()]).when(cancelOrder()).then([orderCancelled(true)]);
    });

    it('cannot be withdrawn from', () => {
      spec.given(invoicedOrder).when(withdrawOrder('2026-07-02T10:00:00Z')).thenThrows(OrderNotDelivered);
    });
  });

  describe('delivering (paid, delivery under way)', () => {
    const paidOrder = [orderPlaced, orderInvoiced(), orderPaid];

    it('completes the delivery when the payment is reported again', () => {
      spec.given(paidOrder).when(recordInvoicePaid()).then([orderDelivered()]);
    });

    it('ignores an issue or a failure reported late', () => {
      spec.given(paidOrder).when(recordInvoiceIssued()).thenNothingHappened();
      spec.given(paidOrder).when(recordPaymentFailed()).thenNothingHappened();
    });

    it('cannot be cancelled: it is paid', () => {
      spec.given(paidOrder).when(cancelOrder()).thenThrows(OrderNotCancellable);
    });

    it('cannot be withdrawn from before delivery', () => {
      spec.given(paidOrder).when(withdrawOrder('2026-07-02T10:00:00Z')).thenThrows(OrderNotDelivered);
    });
  });

  describe('delivered', () => {
    const deliveredOrder = [orderPlaced, orderInvoiced(), orderPaid, orderDelivered()];

    it('delivers once, however often the payment is reported', () => {
      spec.given(deliveredOrder).when(recordInvoicePaid()).thenNothingHappened();
      spec.given(deliveredOrder).when(recordInvoiceIssued()).thenNothingHappened();
      spec.given(deliveredOrder).when(recordPaymentFailed()).thenNothingHappened();
    });

    it('cannot be cancelled', () => {
      spec.given(deliveredOrder).when(cancelOrder()).thenThrows(OrderNotCancellable);
    });

    it('is withdrawn from by an EU consumer within 14 days: every item, the amount paid refunded', () => {
      spec.given(deliveredOrder).when(withdrawOrder('2026-07-10T12:00:00.000Z')).then([orderWithdrawn('2026-07-10T12:00:00.000Z')]);
    });

    it("counts the 14 days in the seller's calendar, to the last minute of the 14th day", () => {
      // delivered on 2 July in Paris (00:30 local time): the last day is 16 July, Paris time
      const lateEvening = [orderPlaced, orderInvoiced(), orderPaid, orderDelivered('2026-07-01T22:30:00.000Z')];
      spec.given(lateEvening).when(withdrawOrder('2026-07-16T21:59:59.000Z')).then([orderWithdrawn('2026-07-16T21:59:59.000Z')]);
      spec.given(lateEvening).when(withdrawOrder('2026-07-16T22:00:00.000Z')).thenThrows(WithdrawalPeriodOver);
    });

    it('refuses a withdrawal after the 14 days', () => {
      spec.given(deliveredOrder).when(withdrawOrder('2026-07-16T08:00:00.000Z')).thenThrows(WithdrawalPeriodOver);
    });

    it('refuses a withdrawal to a business (the invoice was billed to a VAT number)', () => {
      const business = [orderPlaced, orderInvoiced('FR40303265045'), orderPaid, orderDelivered()];
      spec.given(business).when(withdrawOrder('2026-07-02T10:00:00Z')).thenThrows(WithdrawalNotApplicable);
    });

    it('refuses a withdrawal to a business that declared its VAT number when its invoice was not seen', () => {
      const declaredBusiness: OrderEvent = { type: 'OrderPlaced', data: { ...placedOrder, customer: { country: 'DE', vatNumber: 'DE811569869' } } };
      spec.given([declaredBusiness, orderPaid, orderDelivered()]).when(withdrawOrder('2026-07-02T10:00:00Z')).thenThrows(WithdrawalNotApplicable);
    });

    it('refuses a withdrawal from an order of a subsidiary outside the EU', () => {
      const british: OrderEvent = { type: 'OrderPlaced', data: { ...placedOrder, subsidiary: 'GB', currency: 'GBP' } };
      spec.given([british, orderPaid, orderDelivered()]).when(withdrawOrder('2026-07-02T10:00:00Z')).thenThrows(WithdrawalNotApplicable);
    });

    it("cannot be withdrawn from by another customer", () => {
      spec.given(deliveredOrder).when(withdrawOrder('2026-07-02T10:00:00Z', intruder)).thenThrows(OrderNotFound);
    });
  });

  describe('withdrawn', () => {
    const withdrawnOrder = [orderPlaced, orderInvoiced(), orderPaid, orderDelivered(), orderWithdrawn('2026-07-03T10:00:00.000Z')];

    it('answers a repeated withdrawal with nothing new', () => {
      spec.given(withdrawnOrder).when(withdrawOrder('2026-07-04T10:00:00.000Z')).thenNothingHappened();
    });

    it('ignores a payment reported again', () => {
      spec.given(withdrawnOrder).when(recordInvoicePaid()).thenNothingHappened();
    });

    it('cannot be cancelled', () => {
      spec.given(withdrawnOrder).when(cancelOrder()).thenThrows(OrderNotCancellable);
    });
  });

  describe('cancelled', () => {
    const cancelledOrder = [orderPlaced, orderInvoiced(), orderCancelled(true)];

    it('answers a repeated cancellation with nothing new', () => {
      spec.given(cancelledOrder).when(cancelOrder()).thenNothingHappened();
    });

    it('is not revived by invoicing events (a late capture is invoicing\'s to refund)', () => {
      spec.given(cancelledOrder).when(recordInvoicePaid()).thenNothingHappened();
      spec.given(cancelledOrder).when(recordInvoiceIssued()).thenNothingHappened();
      spec.given(cancelledOrder).when(recordPaymentFailed()).thenNothingHappened();
    });

    it('cannot be withdrawn from', () => {
      spec.given(cancelledOrder).when(withdrawOrder('2026-07-02T10:00:00Z')).thenThrows(OrderNotDelivered);
    });

    it('answers a retry of the placement with nothing new', () => {
      spec.given(cancelledOrder).when(placeOrder()).thenNothingHappened();
    });
  });
});
