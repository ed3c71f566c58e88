// One realistic `data` per event type, following one customer through the flow of DESIGN.md: a
// one-click web hosting order in France, its service, its first renewal and their invoices.
// The generated documents show them; consumers' tests may use them as fixtures.
import type { OrderItem } from './events/orders';
import {
  integrationEventList,
  type IntegrationEventData,
  type IntegrationEventEnvelope,
  type IntegrationEventType,
} from './registry';

const customerId = 'cust-4815162342';
const orderId = '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b';
const itemId = '6f1c9d2e-8b7a-4c3d-9e2f-0a1b2c3d4e5f';
const orderInvoiceId = 'a3c1e5f7-2b4d-4e6f-8a0c-1d3f5b7d9e1a';
const orderPaymentId = 'c7e9a1b3-5d7f-4a1c-9e3b-5d7f9a1c3e5b';
const serviceId = '5d8b1f3a-7c9e-4b2d-8f6a-3c5e7a9b1d2f';
/** Derived from the service and the term start, sorted by that day (UUID v8): see renewal's term-schedule. */
const renewalTermId = '019ce9a4-8800-8210-8ed0-00e952bece34';
/** Derived from the term: it carries the term's time. */
const renewalInvoiceId = '019ce9a4-8800-8b8a-a8d4-c514ef2d593d';
const renewalPaymentId = 'd4f6a8b0-2c4e-4f6a-8b0c-3d5f7a9b1c3e';
const planChangeId = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b';
const paymentMethodId = 'pm_1QdK7h2eZvKYlo2C';

const eur = (value: number) => ({ currency: 'EUR', value });

const webHostingItem: OrderItem = {
  itemId,
  planCode: 'web-hosting-pro',
  universe: 'web',
  period: 'P1Y',
  quantity: 1,
  unitPrice: eur(8388),
  options: [{ planCode: 'web-hosting-pro-ssl', quantity: 1, unitPrice: eur(0) }],
};

const billedTo = {
  name: 'Camille Martin',
  postalAddress: { lines: ['12 rue des Lilas'], postalCode: '59000', city: 'Lille' },
  country: 'FR',
};

export const integrationEventExamples: { readonly [T in IntegrationEventType]: IntegrationEventData<T> } = {
  // ── billing.orders.v1 ──
  OrderPlaced: {
    orderId,
    customerId,
    subsidiary: 'FR',
    currency: 'EUR',
    items: [webHostingItem],
    totals: { withoutTax: eur(8388), tax: eur(1678), withTax: eur(10066) },
    autoPay: true,
    placedAt: '2025-03-14T09:30:00Z',
  },
  OrderNotPaid: {
    orderId,
    customerId,
    invoiceId: orderInvoiceId,
    amountDue: eur(10066),
    reason: 'paymentFailed',
    notPaidAt: '2025-03-14T09:30:04Z',
  },
  OrderPaid: {
    orderId,
    customerId,
    invoiceId: orderInvoiceId,
    paymentId: orderPaymentId,
    paidAt: '2025-03-14T09:41:12Z',
  },
  OrderDelivered: {
    orderId,
    customerId,
    subsidiary: 'FR',
    items: [webHostingItem],
    deliveredAt: '2025-03-14T09:42:30Z',
  },
  OrderCancelled: {
    orderId,
    customerId,
    reason: 'deliveryFailed',
    invoiceId: orderInvoiceId,
    refundAmount: eur(10066),
    cancelledAt: '2025-03-14T10:05:00Z',
  },
  OrderWithdrawn: {
    orderId,
    customerId,
    invoiceId: orderInvoiceId,
    itemIds: [itemId],
    refundAmount: eur(10066),
    withdrawnAt: '2025-03-20T16:12:45+01:00',
  },

  // ── billing.services.v1 ──
  ServiceActivated: {
    serviceId,
    customerId,
    orderId,
    itemId,
    subsidiary: 'FR',
    universe: 'web',
    planCode: 'web-hosting-pro',
    period: 'P1Y',
    price: eur(8388),
    anchorDate: '2025-03-14',
    expirationDate: '2026-03-14',
    renewMode: 'automatic',
    activatedAt: '2025-03-14T09:42:31Z',
  },
  ServiceImported: {
    serviceId,
    customerId,
    legacyServiceId: 'hosting-camille-martin.example',
    subsidiary: 'FR',
    universe: 'dedicated',
    planCode: 'server-rise-1',
    period: 'P1M',
    price: eur(6599),
    anchorDate: '2023-01-31',
    expirationDate: '2025-04-30',
    renewMode: 'manual',
    legacy: true,
    engagement: { duration: 'P12M', engagedUpTo: '2024-01-31' },
    importedAt: '2025-03-01T02:00:00Z',
  },
  ServiceContractAccepted: {
    serviceId,
    customerId,
    contractVersion: '2025-03',
    renewMode: 'automatic',
    acceptedAt: '2025-04-02T18:20:00+02:00',
  },
  ServiceRenewModeChanged: {
    serviceId,
    customerId,
    renewMode: 'manual',
    previousRenewMode: 'automatic',
    changedAt: '2025-06-01T08:00:00Z',
  },
  ServiceRenewPeriodChanged: {
    serviceId,
    customerId,
    period: 'P2Y',
    previousPeriod: 'P1Y',
    price: eur(15576),
    changedAt: '2025-06-01T08:05:00Z',
  },
  ServiceExpirationExtended: {
    serviceId,
    customerId,
    renewalTermId,
    previousExpirationDate: '2026-03-14',
    expirationDate: '2027-03-14',
    extendedAt: '2026-03-01T03:10:00Z',
  },
  ServicePlanChanged: {
    serviceId,
    customerId,
    planChangeId,
    universe: 'web',
    previousPlanCode: 'web-hosting-pro',
    planCode: 'web-hosting-performance',
    previousPrice: eur(8388),
    price: eur(17988),
    termStartDate: '2025-03-14',
    effectiveDate: '2025-09-14',
    expirationDate: '2026-03-14',
    subsidiary: 'FR',
    unusedOldPlanCredit: eur(-4160),
    newPlanCharge: eur(8920),
    changedAt: '2025-09-14T07:45:00Z',
  },
  ServiceTerminationRequested: {
    serviceId,
    customerId,
    token: 'trm_4Kq9ZL2xv7RbN1wE8sYc',
    tokenExpiresAt: '2025-10-02T09:00:00Z',
    requestedAt: '2025-10-01T09:00:00Z',
  },
  ServiceTerminationConfirmed: {
    serviceId,
    customerId,
    reason: 'MIGRATED_TO_COMPETITOR',
    futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR',
    commentary: 'Moving all my sites to one provider.',
    effective: 'atExpiration',
    effectiveDate: '2026-03-14',
    confirmedAt: '2025-10-01T09:04:10Z',
  },
  ServiceTerminationCancelled: {
    serviceId,
    customerId,
    cancelledAt: '2025-11-15T14:00:00Z',
  },
  ServiceMarkedUnpaid: {
    serviceId,
    customerId,
    renewalTermId,
    expirationDate: '2026-03-14',
    markedAt: '2026-03-14T00:00:05+01:00',
  },
  ServiceSuspended: {
    serviceId,
    customerId,
    reason: 'unpaidRenewal',
    renewalTermId,
    suspendedAt: '2026-03-21T00:00:07+01:00',
  },
  ServiceReopened: {
    serviceId,
    customerId,
    renewalTermId,
    expirationDate: '2027-03-14',
    reopenedAt: '2026-03-25T11:30:00+01:00',
  },
  ServiceTerminated: {
    serviceId,
    customerId,
    reason: 'unpaidRenewal',
    terminatedAt: '2026-04-13T00:00:09+02:00',
  },

  // ── billing.renewals.v1 ──
  RenewalReminderSent: {
    renewalTermId,
    serviceId,
    customerId,
    daysBeforeExpiration: 40,
    renewMode: 'automatic',
    wordingKey: 'renewal.reminder.automatic',
    planCode: 'web-hosting-pro',
    period: 'P1Y',
    expirationDate: '2026-03-14',
    amount: eur(8388),
    priceChanged: false,
    sentAt: '2026-02-02T06:00:00+01:00',
  },
  RenewalInvoiceRequested: {
    renewalTermId,
    serviceId,
    customerId,
    subsidiary: 'FR',
    universe: 'web',
    category: 'autorenew',
    planCode: 'web-hosting-pro',
    period: 'P1Y',
    amount: eur(8388),
    termStartDate: '2026-03-14',
    termEndDate: '2027-03-14',
    billingDate: '2026-03-01',
    autoPay: true,
    requestedAt: '2026-03-01T03:00:00+01:00',
  },
  RenewalSucceeded: {
    renewalTermId,
    serviceId,
    customerId,
    invoiceId: renewalInvoiceId,
    newExpirationDate: '2027-03-14',
    succeededAt: '2026-03-01T03:09:58+01:00',
  },
  RenewalPaymentRetryScheduled: {
    renewalTermId,
    serviceId,
    customerId,
    invoiceId: renewalInvoiceId,
    failedAttempt: 1,
    failureReason: 'insufficientFunds',
    nextAttempt: 2,
    retryOn: '2026-03-02',
    scheduledAt: '2026-03-01T03:10:00+01:00',
  },
  RenewalLapsed: {
    renewalTermId,
    serviceId,
    customerId,
    invoiceId: renewalInvoiceId,
    expirationDate: '2026-03-14',
    suspensionDate: '2026-03-21',
    terminationDate: '2026-04-13',
    lapsedAt: '2026-03-14T00:00:02+01:00',
  },
  RenewalPaymentDeadlinePassed: {
    renewalTermId,
    serviceId,
    customerId,
    invoiceId: renewalInvoiceId,
    expirationDate: '2026-03-14',
    terminationDate: '2026-04-13',
    passedAt: '2026-03-21T00:00:03+01:00',
  },
  RenewalGracePeriodEnded: {
    renewalTermId,
    serviceId,
    customerId,
    invoiceId: renewalInvoiceId,
    expirationDate: '2026-03-14',
    endedAt: '2026-04-13T00:00:04+02:00',
  },
  RenewalCancelled: {
    renewalTermId,
    serviceId,
    customerId,
    invoiceId: renewalInvoiceId,
    expirationDate: '2026-03-14',
    reason: 'notRenewed',
    cancelledAt: '2026-03-14T00:00:04+01:00',
  },
  AutorenewSettingsChanged: {
    customerId,
    active: true,
    renewDay: 1,
    changedAt: '2025-03-14T09:50:00Z',
  },

  // ── billing.invoices.v1 ──
  CustomerAccountUpdated: {
    customerId,
    subsidiary: 'FR',
    currency: 'EUR',
    name: 'Camille Martin',
    email: 'camille.martin@example.org',
    country: 'FR',
    defaultPaymentMethodId: paymentMethodId,
    updatedAt: '2025-03-14T09:20:00Z',
  },
  InvoiceIssued: {
    invoiceId: orderInvoiceId,
    number: 'FR2025-0000421',
    series: 'FR2025',
    sequence: 421,
    customerId,
    subsidiary: 'FR',
    currency: 'EUR',
    category: 'purchase-web',
    source: { kind: 'order', orderId },
    billedTo,
    lines: [
      {
        description: 'Web hosting Pro — 1 year',
        planCode: 'web-hosting-pro',
        itemId,
        periodStart: '2025-03-14',
        periodEnd: '2026-03-14',
        quantity: 1,
        unitPrice: eur(8388),
        amountWithoutTax: eur(8388),
        taxRate: 2000,
      },
    ],
    taxes: [{ rate: 2000, base: eur(8388), amount: eur(1678) }],
    reverseCharge: false,
    totals: { withoutTax: eur(8388), tax: eur(1678), withTax: eur(10066) },
    issuedAt: '2025-03-14T09:30:02Z',
    dueDate: '2025-03-14',
  },
  InvoicePaid: {
    invoiceId: renewalInvoiceId,
    customerId,
    source: { kind: 'renewal', renewalTermId, serviceId },
    paymentId: renewalPaymentId,
    amount: eur(10066),
    paymentMethodId,
    paidAt: '2026-03-01T03:09:55+01:00',
  },
  InvoicePaymentFailed: {
    invoiceId: renewalInvoiceId,
    customerId,
    source: { kind: 'renewal', renewalTermId, serviceId },
    paymentId: renewalPaymentId,
    attempt: 1,
    amount: eur(10066),
    reason: 'insufficientFunds',
    retryable: true,
    failedAt: '2026-03-01T03:09:55+01:00',
  },
  CreditNoteIssued: {
    creditNoteId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    number: 'FR2025-0000437',
    series: 'FR2025',
    sequence: 437,
    invoiceId: orderInvoiceId,
    customerId,
    subsidiary: 'FR',
    currency: 'EUR',
    reason: 'withdrawal',
    taxes: [{ rate: 2000, base: eur(8388), amount: eur(1678) }],
    totals: { withoutTax: eur(8388), tax: eur(1678), withTax: eur(10066) },
    refunded: true,
    issuedAt: '2025-03-20T16:13:00+01:00',
  },
  CreditNoteRefunded: {
    creditNoteId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    invoiceId: orderInvoiceId,
    customerId,
    amount: eur(10066),
    gatewayRefundId: 're_3f9a1c2b7d',
    refundedAt: '2025-03-20T16:13:02+01:00',
  },
};

/**
 * The example of `type` in its envelope, as a message value: a fixed event id per type and
 * metadata whose partition key is the event's customer.
 */
export function exampleEnvelopeOf<T extends IntegrationEventType>(type: T): IntegrationEventEnvelope<T> {
  const index = integrationEventList.findIndex((definition) => definition.type === type);
  const definition = integrationEventList[index];
  const data = integrationEventExamples[type];
  return {
    eventId: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
    type,
    schemaVersion: definition.schemaVersion,
    data,
    metadata: {
      correlationId: '3f2b8c1e-7d4a-4e9b-a6c5-1b2c3d4e5f60',
      occurredAt: '2025-03-14T09:30:00Z',
      partitionKey: data.customerId,
    },
  } as IntegrationEventEnvelope<T>;
}
