// billing.invoices.v1 — published by invoicing: customer accounts, invoices, payment attempts and
// credit notes. An issued invoice is never edited: corrections are credit notes.
import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { topics } from '../topics';
import {
  calendarDateSchema,
  checkAmounts,
  contractSchemaRegistry,
  countryCodeSchema,
  currencyCodeSchema,
  customerIdSchema,
  described,
  instantSchema,
  invoiceCategorySchema,
  moneySchema,
  planCodeSchema,
  signedMoneySchema,
  subsidiarySchema,
  taxRateSchema,
  totalsSchema,
  uuidSchema,
} from '../vocabulary';

const topic = topics.invoices;

const invoiceIdSchema = described(uuidSchema, 'The invoice, minted by invoicing.');
const paymentMethodIdSchema = described(z.string().min(1), 'A payment method registered with the payment gateway.');

/** What an invoice bills, so that order and renewal recognise their own invoices. */
export const invoiceSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('order'), orderId: uuidSchema }),
  z.object({
    kind: z.literal('renewal'),
    renewalTermId: uuidSchema,
    serviceId: uuidSchema,
    groupedTerms: described(
      z.array(z.object({ renewalTermId: uuidSchema, serviceId: uuidSchema })).min(1),
      "The customer's other terms billed on this invoice (RenewalInvoiceRequested.groupedTerms): each has the invoice's outcomes as its own.",
    ).optional(),
  }),
  z.object({ kind: z.literal('upgrade'), planChangeId: uuidSchema, serviceId: uuidSchema }),
]);
contractSchemaRegistry.add(invoiceSourceSchema, {
  id: 'InvoiceSource',
  description:
    'What the invoice bills: an order (OrderPlaced), a renewal term and the terms grouped with it (RenewalInvoiceRequested) or a plan change (ServicePlanChanged).',
});

export const invoicePaymentFailureReasons = [
  'declined',
  'insufficientFunds',
  'expired',
  'authenticationRequired',
  'noPaymentMethod',
  'fraudSuspected',
  'gatewayUnavailable',
  'other',
] as const;
export const invoicePaymentFailureReasonSchema = z.enum(invoicePaymentFailureReasons);
contractSchemaRegistry.add(invoicePaymentFailureReasonSchema, {
  id: 'PaymentFailureReason',
  description:
    'Why the gateway refused a payment: `declined` by the issuer, `insufficientFunds`, payment method `expired`, strong customer `authenticationRequired`, `noPaymentMethod` registered, `fraudSuspected`, `gatewayUnavailable`, or `other`.',
});

export const invoiceLineSchema = z.object({
  description: z.string().min(1),
  planCode: planCodeSchema.optional(),
  serviceId: described(uuidSchema, 'The service the line bills, once it exists.').optional(),
  itemId: described(uuidSchema, 'The order item the line bills.').optional(),
  periodStart: described(calendarDateSchema, 'The date the billed term (or part of it) starts.').optional(),
  periodEnd: described(calendarDateSchema, 'The date the billed term ends.').optional(),
  quantity: z.int().positive(),
  unitPrice: described(signedMoneySchema, 'Tax excluded; negative for a credit (unused days of an upgraded plan).'),
  amountWithoutTax: described(signedMoneySchema, 'quantity × unitPrice, tax excluded.'),
  taxRate: taxRateSchema,
});

export const taxPerRateSchema = z.object({
  rate: taxRateSchema,
  base: described(moneySchema, 'The sum of the lines taxed at this rate, tax excluded.'),
  amount: described(moneySchema, 'The tax at this rate, computed from the unrounded lines and rounded once (half-up).'),
});

const billedToSchema = described(
  z.object({
    name: z.string().min(1),
    postalAddress: z
      .object({
        lines: z.array(z.string().min(1)).min(1).max(4),
        postalCode: z.string().min(1).optional(),
        city: z.string().min(1),
      })
      .optional(),
    country: countryCodeSchema,
    vatNumber: described(z.string().min(1), 'The intra-community VAT number of a business customer.').optional(),
  }),
  'The customer account as it was when the invoice was issued (copied, never updated).',
);

const documentNumberFields = {
  number: described(z.string().min(1), 'The legal number, unique and continuous within its series.'),
  series: described(z.string().min(1), 'The number series (per subsidiary, per year, …).'),
  sequence: described(z.int().positive(), "The number's position in its series: no gap, no reuse."),
};

export const invoiceIssuedSchema = z
  .object({
    invoiceId: invoiceIdSchema,
    ...documentNumberFields,
    customerId: customerIdSchema,
    subsidiary: subsidiarySchema,
    currency: described(currencyCodeSchema, 'The currency of every amount of the invoice.'),
    category: invoiceCategorySchema,
    source: invoiceSourceSchema,
    billedTo: billedToSchema,
    lines: z.array(invoiceLineSchema).min(1),
    taxes: described(z.array(taxPerRateSchema), 'The tax per rate applied, as stored on the invoice.'),
    reverseCharge: described(
      z.boolean(),
      'EU business customer in another member state: VAT is due by the customer (0 %, with the legal mention).',
    ),
    totals: totalsSchema,
    issuedAt: instantSchema,
    dueDate: calendarDateSchema,
  })
  .superRefine(checkAmounts);

export const invoicePaidSchema = z.object({
  invoiceId: invoiceIdSchema,
  customerId: customerIdSchema,
  source: invoiceSourceSchema,
  paymentId: described(uuidSchema, 'The payment attempt that succeeded.'),
  amount: described(moneySchema, 'The amount captured, tax included.'),
  paymentMethodId: paymentMethodIdSchema.optional(),
  paidAt: instantSchema,
});

export const invoicePaymentFailedSchema = z.object({
  invoiceId: invoiceIdSchema,
  customerId: customerIdSchema,
  source: invoiceSourceSchema,
  paymentId: described(uuidSchema, 'The payment attempt that failed (its idempotency key at the gateway).'),
  attempt: described(z.int().positive(), "The attempt's number for this invoice, from 1."),
  amount: described(moneySchema, 'The amount that could not be charged, tax included.'),
  reason: invoicePaymentFailureReasonSchema,
  retryable: described(
    z.boolean(),
    'Another attempt may succeed (false: only the customer can fix it, e.g. a new payment method).',
  ),
  failedAt: instantSchema,
});

export const creditNoteIssuedSchema = z
  .object({
    creditNoteId: described(uuidSchema, 'The credit note, minted by invoicing.'),
    ...documentNumberFields,
    invoiceId: described(invoiceIdSchema, 'The invoice it corrects.'),
    customerId: customerIdSchema,
    subsidiary: subsidiarySchema,
    currency: currencyCodeSchema,
    reason: described(
      z.enum(['refund', 'withdrawal', 'prorationCredit', 'correction']),
      '`refund` of a cancelled order, EU `withdrawal`, `prorationCredit` of unused days, `correction` of a billing error.',
    ),
    lines: z.array(invoiceLineSchema).min(1).optional(),
    taxes: z.array(taxPerRateSchema),
    totals: described(totalsSchema, 'The amounts credited (positive).'),
    refunded: described(
      z.boolean(),
      'The amount is paid back to the payment method (otherwise it is credited to the debt account).',
    ),
    issuedAt: instantSchema,
  })
  .superRefine(checkAmounts);

export const creditNoteRefundedSchema = z.object({
  creditNoteId: described(uuidSchema, 'The credit note whose amount went back to the customer.'),
  invoiceId: described(invoiceIdSchema, 'The invoice it corrects, and whose charge is refunded.'),
  customerId: customerIdSchema,
  amount: described(moneySchema, "The amount paid back to the invoice's payment method, tax included: the credit note's total."),
  gatewayRefundId: described(z.string().min(1), "The payment gateway's reference of the refund."),
  refundedAt: instantSchema,
});

export const customerAccountUpdatedSchema = z.object({
  customerId: customerIdSchema,
  subsidiary: subsidiarySchema,
  currency: described(currencyCodeSchema, "The account's billing currency (its subsidiary's)."),
  name: z.string().min(1),
  email: described(z.email(), 'Where notifications are sent.'),
  country: countryCodeSchema,
  vatNumber: described(z.string().min(1), 'The intra-community VAT number of a business customer.').optional(),
  defaultPaymentMethodId: described(
    paymentMethodIdSchema,
    'Charged for one-click orders and automatic renewals; absent: automatic renewals cannot be charged.',
  ).optional(),
  updatedAt: instantSchema,
});

export const invoiceEvents = [
  defineEvent({
    type: 'CustomerAccountUpdated',
    schemaVersion: 1,
    topic,
    schema: customerAccountUpdatedSchema,
    description:
      "The customer's billing profile was created or changed. Carries the whole profile (not a patch): consumers keep the latest.",
  }),
  defineEvent({
    type: 'InvoiceIssued',
    schemaVersion: 1,
    topic,
    schema: invoiceIssuedSchema,
    description:
      'An invoice was issued with the next number of its series; it is now a legal document that never changes. Amounts are checked: all in the invoice currency, totals add up.',
  }),
  defineEvent({
    type: 'InvoicePaid',
    schemaVersion: 1,
    topic,
    schema: invoicePaidSchema,
    description:
      'An invoice was paid in full. Its source tells order (deliver) and renewal (extend the service) which one is theirs.',
  }),
  defineEvent({
    type: 'InvoicePaymentFailed',
    schemaVersion: 1,
    topic,
    schema: invoicePaymentFailedSchema,
    description:
      'A payment attempt of an invoice failed; the invoice stays due (debt). Renewal runs dunning for renewal invoices.',
  }),
  defineEvent({
    type: 'CreditNoteIssued',
    schemaVersion: 1,
    topic,
    schema: creditNoteIssuedSchema,
    description: 'A credit note was issued against an invoice, numbered in the same series.',
  }),
  defineEvent({
    type: 'CreditNoteRefunded',
    schemaVersion: 1,
    topic,
    schema: creditNoteRefundedSchema,
    description:
      'The amount of a credit note with `refunded: true` was paid back through the payment gateway, to the method that paid the invoice. Exactly once per credit note.',
  }),
] as const;

export type InvoiceSource = z.infer<typeof invoiceSourceSchema>;
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;
export type InvoicePaymentFailureReason = z.infer<typeof invoicePaymentFailureReasonSchema>;
export type CustomerAccountUpdated = z.infer<typeof customerAccountUpdatedSchema>;
export type InvoiceIssued = z.infer<typeof invoiceIssuedSchema>;
export type InvoicePaid = z.infer<typeof invoicePaidSchema>;
export type InvoicePaymentFailed = z.infer<typeof invoicePaymentFailedSchema>;
export type CreditNoteIssued = z.infer<typeof creditNoteIssuedSchema>;
export type CreditNoteRefunded = z.infer<typeof creditNoteRefundedSchema>;
