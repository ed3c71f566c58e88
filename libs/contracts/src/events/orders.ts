// billing.orders.v1 — published by order: the life of a one-click order, from placed to delivered.
// Order lifecycle: checking → notPaid → delivering → delivered, or cancelled.
import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { topics } from '../topics';
import {
  checkAmounts,
  currencyCodeSchema,
  customerIdSchema,
  described,
  durationSchema,
  instantSchema,
  moneySchema,
  periodSchema,
  planCodeSchema,
  subsidiarySchema,
  totalsSchema,
  universeSchema,
  uuidSchema,
} from '../vocabulary';

const topic = topics.orders;

const orderIdSchema = described(uuidSchema, 'The order, minted by the order service.');
const invoiceIdSchema = described(uuidSchema, "The order's invoice, minted by invoicing.");

/** An option sold with an item (extra IP, backup, licence): billed and renewed with it. */
export const orderItemOptionSchema = z.object({
  planCode: planCodeSchema,
  quantity: z.int().positive(),
  unitPrice: described(moneySchema, 'Price of one unit for one term, tax excluded.'),
});

/** One line of an order: once delivered, it becomes exactly one service. */
export const orderItemSchema = z.object({
  itemId: described(uuidSchema, 'The item, minted by the order service; the service delivered from it keeps it.'),
  planCode: planCodeSchema,
  universe: universeSchema,
  period: described(periodSchema, 'The term ordered, and the renew period of the service it becomes.'),
  quantity: z.int().positive(),
  unitPrice: described(moneySchema, 'Price of one unit for one term, tax excluded, in the order currency.'),
  options: z.array(orderItemOptionSchema).optional(),
  engagementDuration: described(
    durationSchema,
    'The commitment the plan was ordered with (`P12M`), when it has one.',
  ).optional(),
});

export const orderPlacedSchema = z.object({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  subsidiary: subsidiarySchema,
  currency: described(currencyCodeSchema, 'The currency of every amount of the order.'),
  items: z.array(orderItemSchema).min(1),
  totals: described(totalsSchema, 'The priced order, as shown to the customer.'),
  autoPay: described(
    z.boolean(),
    'Charge the payment method as soon as the invoice is issued (one-click order); otherwise the customer pays it himself.',
  ),
  paymentMethodId: described(
    z.string().min(1),
    'The payment method chosen for this order; absent: the default payment method of the customer account.',
  ).optional(),
  placedAt: instantSchema,
}).superRefine(checkAmounts);

export const orderPaidSchema = z.object({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  invoiceId: invoiceIdSchema,
  paymentId: uuidSchema,
  paidAt: described(instantSchema, 'When the payment was captured; delivery starts (order status `delivering`).'),
});

export const orderNotPaidSchema = z.object({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  invoiceId: invoiceIdSchema,
  amountDue: described(moneySchema, 'What the customer still owes for the order, tax included.'),
  reason: described(
    z.enum(['awaitingPayment', 'paymentFailed']),
    '`awaitingPayment`: the order is not paid automatically and waits for the customer; `paymentFailed`: the automatic payment was refused.',
  ),
  notPaidAt: instantSchema,
});

export const orderDeliveredSchema = z.object({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  subsidiary: subsidiarySchema,
  items: described(
    z.array(orderItemSchema).min(1),
    'The items delivered: subscription creates one service per item, anchored on the delivery date.',
  ),
  deliveredAt: instantSchema,
});

export const orderCancelledSchema = z.object({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  reason: z.enum(['customerRequest', 'paymentNotReceived', 'deliveryFailed', 'operatorDecision']),
  invoiceId: described(invoiceIdSchema, 'The invoice of the order, when one was issued.').optional(),
  refundAmount: described(
    moneySchema,
    'What the customer had already paid and must get back (tax included); absent when nothing was paid.',
  ).optional(),
  cancelledAt: instantSchema,
});

export const orderWithdrawnSchema = z.object({
  orderId: orderIdSchema,
  customerId: customerIdSchema,
  invoiceId: invoiceIdSchema,
  itemIds: described(
    z.array(uuidSchema).min(1),
    'The items withdrawn: their services terminate immediately.',
  ),
  refundAmount: described(moneySchema, 'What is refunded to the customer, tax included.'),
  withdrawnAt: instantSchema,
});

export const orderEvents = [
  defineEvent({
    type: 'OrderPlaced',
    schemaVersion: 1,
    topic,
    schema: orderPlacedSchema,
    description:
      'A customer placed a priced order (status `checking`). Invoicing issues its invoice and, with autoPay, charges the payment method.',
  }),
  defineEvent({
    type: 'OrderNotPaid',
    schemaVersion: 1,
    topic,
    schema: orderNotPaidSchema,
    description:
      "The order's invoice is issued but not paid (status `notPaid`): it waits for the customer's payment, or the automatic payment failed.",
  }),
  defineEvent({
    type: 'OrderPaid',
    schemaVersion: 1,
    topic,
    schema: orderPaidSchema,
    description: "The order's invoice was paid: the order is being delivered (status `delivering`).",
  }),
  defineEvent({
    type: 'OrderDelivered',
    schemaVersion: 1,
    topic,
    schema: orderDeliveredSchema,
    description:
      'The order was delivered (status `delivered`): subscription creates one service per item, expiration = anchor + period.',
  }),
  defineEvent({
    type: 'OrderCancelled',
    schemaVersion: 1,
    topic,
    schema: orderCancelledSchema,
    description:
      'The order was cancelled before delivery (status `cancelled`). When refundAmount is set, invoicing credits and refunds it.',
  }),
  defineEvent({
    type: 'OrderWithdrawn',
    schemaVersion: 1,
    topic,
    schema: orderWithdrawnSchema,
    description:
      'The customer withdrew from a delivered order within the EU 14-day withdrawal period: subscription terminates the services at once, invoicing issues a credit note (reason `withdrawal`) and refunds.',
  }),
] as const;

export type OrderItem = z.infer<typeof orderItemSchema>;
export type OrderPlaced = z.infer<typeof orderPlacedSchema>;
export type OrderNotPaid = z.infer<typeof orderNotPaidSchema>;
export type OrderPaid = z.infer<typeof orderPaidSchema>;
export type OrderDelivered = z.infer<typeof orderDeliveredSchema>;
export type OrderCancelled = z.infer<typeof orderCancelledSchema>;
export type OrderWithdrawn = z.infer<typeof orderWithdrawnSchema>;
