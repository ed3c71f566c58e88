// billing.renewals.v1 — published by renewal: one term at a time, reminders, invoicing requests,
// dunning, and the facts that make subscription suspend or terminate an unpaid service.
import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { topics } from '../topics';
import {
  calendarDateSchema,
  customerIdSchema,
  described,
  instantSchema,
  moneySchema,
  periodSchema,
  planCodeSchema,
  subsidiarySchema,
  universeSchema,
  uuidSchema,
} from '../vocabulary';
import { invoicePaymentFailureReasonSchema } from './invoices';

const topic = topics.renewals;

const renewalTermIdSchema = described(
  uuidSchema,
  'The renewal term, minted deterministically from the service and the term start: whatever the number of replicas, restarts or duplicates, one term has one id and one invoice.',
);
const serviceIdSchema = described(uuidSchema, 'The service renewed.');
const renewalInvoiceIdSchema = described(uuidSchema, "The term's renewal invoice.");

export const renewalReminderSentSchema = z.object({
  renewalTermId: renewalTermIdSchema,
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  daysBeforeExpiration: described(z.literal([40, 15]), 'Which reminder: 40 or 15 days before expiration.'),
  renewMode: described(
    z.enum(['automatic', 'manual']),
    '`automatic`: "we will charge your payment method"; `manual`: "please pay to keep your service".',
  ),
  wordingKey: described(
    z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)*$/),
    'The key of the text the notification uses (`renewal.reminder.automatic`, `renewal.reminder.manual`, `renewal.reminder.priceChange`).',
  ),
  planCode: planCodeSchema,
  period: periodSchema,
  expirationDate: described(calendarDateSchema, 'The expiration date the reminder is about.'),
  amount: described(moneySchema, 'The price of the next term, tax excluded (the new price when it changes).'),
  priceChanged: described(z.boolean(), 'The next term is charged at a new catalog price, announced here.'),
  sentAt: instantSchema,
});

export const renewalInvoiceRequestedSchema = z.object({
  renewalTermId: renewalTermIdSchema,
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  subsidiary: subsidiarySchema,
  universe: universeSchema,
  category: z.enum(['autorenew', 'earlyrenewal']),
  planCode: planCodeSchema,
  period: periodSchema,
  amount: described(moneySchema, 'The price of the term, tax excluded: invoicing adds the tax.'),
  termStartDate: described(calendarDateSchema, 'The date the term invoiced starts: the current expiration date.'),
  termEndDate: described(calendarDateSchema, 'The date the term invoiced ends: the new expiration date once paid.'),
  billingDate: described(calendarDateSchema, "The day the invoice is due to be issued (the account's renew day)."),
  autoPay: described(
    z.boolean(),
    'Charge the default payment method when issued (renew mode `automatic`); otherwise the customer pays it himself.',
  ),
  groupedTerms: described(
    z
      .array(
        z.object({
          renewalTermId: renewalTermIdSchema,
          serviceId: serviceIdSchema,
          universe: universeSchema,
          planCode: planCodeSchema,
          period: periodSchema,
          amount: described(moneySchema, 'The price of that term, tax excluded.'),
          termStartDate: calendarDateSchema,
          termEndDate: calendarDateSchema,
        }),
      )
      .min(1),
    "The customer's other automatic terms billed the same day, on the request of the group's first term (the smallest renewalTermId): invoicing issues one invoice with a line per term and charges it once.",
  ).optional(),
  invoicedWith: described(
    renewalTermIdSchema,
    'This term is billed on the invoice of that term, whose request lists it in groupedTerms: invoicing issues nothing for this request.',
  ).optional(),
  requestedAt: instantSchema,
});

export const renewalSucceededSchema = z.object({
  renewalTermId: renewalTermIdSchema,
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  invoiceId: renewalInvoiceIdSchema,
  newExpirationDate: described(calendarDateSchema, 'The expiration date one period further, from the anchor.'),
  succeededAt: instantSchema,
});

export const renewalPaymentRetryScheduledSchema = z.object({
  renewalTermId: renewalTermIdSchema,
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  invoiceId: renewalInvoiceIdSchema,
  failedAttempt: z.int().positive(),
  failureReason: invoicePaymentFailureReasonSchema,
  nextAttempt: z.int().positive(),
  retryOn: described(calendarDateSchema, 'The day of the next attempt, on the dunning schedule (+1, +3, +7 days).'),
  scheduledAt: instantSchema,
});

const unpaidTermFields = {
  renewalTermId: renewalTermIdSchema,
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  invoiceId: described(renewalInvoiceIdSchema, 'The unpaid renewal invoice, when one was issued.').optional(),
  expirationDate: described(calendarDateSchema, 'The expiration date that passed unpaid.'),
};

export const renewalLapsedSchema = z.object({
  ...unpaidTermFields,
  suspensionDate: described(calendarDateSchema, 'The day the service will be suspended if still unpaid.'),
  terminationDate: described(calendarDateSchema, 'The day the service will be terminated if still unpaid.'),
  lapsedAt: instantSchema,
});

export const renewalPaymentDeadlinePassedSchema = z.object({
  ...unpaidTermFields,
  terminationDate: described(calendarDateSchema, 'The day the service will be terminated if still unpaid.'),
  passedAt: instantSchema,
});

export const renewalGracePeriodEndedSchema = z.object({
  ...unpaidTermFields,
  endedAt: instantSchema,
});

export const renewalCancelledSchema = z.object({
  renewalTermId: renewalTermIdSchema,
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  invoiceId: described(renewalInvoiceIdSchema, 'The renewal invoice issued for the term: its line for the service is no longer owed.'),
  expirationDate: described(calendarDateSchema, 'The expiration date the term would have renewed: the service ends there or ended before it.'),
  reason: described(
    z.enum(['notRenewed', 'serviceTerminated']),
    '`notRenewed`: the service ends at its expiration without renewing (deleteAtExpiration, a termination pending at expiration, a legacy contract not accepted); `serviceTerminated`: the service was terminated before its expiration.',
  ),
  cancelledAt: instantSchema,
});

export const autorenewSettingsChangedSchema = z.object({
  customerId: customerIdSchema,
  active: described(z.boolean(), "Whether the account's automatic renewals are charged on the renew day."),
  renewDay: described(
    z.int().min(1).max(30),
    'The day of the month (1–30) on which automatic renewals are grouped and charged.',
  ),
  changedAt: instantSchema,
});

export const renewalEvents = [
  defineEvent({
    type: 'RenewalReminderSent',
    schemaVersion: 1,
    topic,
    schema: renewalReminderSentSchema,
    description:
      'A renewal reminder is due to the customer, 40 or 15 days before expiration: a notification event, delivered by e-mail with the wording of its key.',
  }),
  defineEvent({
    type: 'RenewalInvoiceRequested',
    schemaVersion: 1,
    topic,
    schema: renewalInvoiceRequestedSchema,
    description:
      "A term is due for invoicing (service status `toRenew`): invoicing bills it on exactly one invoice and, with autoPay, charges it. A customer's automatic terms billed the same day share one invoice and one charge: the first term's request lists the others (groupedTerms), theirs name it (invoicedWith).",
  }),
  defineEvent({
    type: 'RenewalSucceeded',
    schemaVersion: 1,
    topic,
    schema: renewalSucceededSchema,
    description:
      "The term's invoice was paid: subscription extends the expiration (or reopens a suspended service with its original anchor).",
  }),
  defineEvent({
    type: 'RenewalPaymentRetryScheduled',
    schemaVersion: 1,
    topic,
    schema: renewalPaymentRetryScheduledSchema,
    description: "A payment attempt of the term's invoice failed; the next one is scheduled on the dunning schedule.",
  }),
  defineEvent({
    type: 'RenewalLapsed',
    schemaVersion: 1,
    topic,
    schema: renewalLapsedSchema,
    description: 'The service reached its expiration with the term unpaid: subscription marks it `unpaid`.',
  }),
  defineEvent({
    type: 'RenewalPaymentDeadlinePassed',
    schemaVersion: 1,
    topic,
    schema: renewalPaymentDeadlinePassedSchema,
    description: 'The term is still unpaid 7 days after expiration: subscription suspends the service (`rupture`).',
  }),
  defineEvent({
    type: 'RenewalGracePeriodEnded',
    schemaVersion: 1,
    topic,
    schema: renewalGracePeriodEndedSchema,
    description: 'The grace period (default 30 days) ended with the term unpaid: subscription terminates the service.',
  }),
  defineEvent({
    type: 'RenewalCancelled',
    schemaVersion: 1,
    topic,
    schema: renewalCancelledSchema,
    description:
      "A term whose renewal invoice was issued ends before its renewal took effect (the customer stopped the service before its expiration): invoicing credits the term's line on that invoice, and pays it back if it was paid. A term left unpaid past its expiration is not cancelled: its invoice stays due.",
  }),
  defineEvent({
    type: 'AutorenewSettingsChanged',
    schemaVersion: 1,
    topic,
    schema: autorenewSettingsChangedSchema,
    description: "The customer's account-level renewal settings (`/me/autorenew`) changed.",
  }),
] as const;

export type RenewalReminderSent = z.infer<typeof renewalReminderSentSchema>;
export type RenewalInvoiceRequested = z.infer<typeof renewalInvoiceRequestedSchema>;
export type RenewalSucceeded = z.infer<typeof renewalSucceededSchema>;
export type RenewalPaymentRetryScheduled = z.infer<typeof renewalPaymentRetryScheduledSchema>;
export type RenewalLapsed = z.infer<typeof renewalLapsedSchema>;
export type RenewalPaymentDeadlinePassed = z.infer<typeof renewalPaymentDeadlinePassedSchema>;
export type RenewalGracePeriodEnded = z.infer<typeof renewalGracePeriodEndedSchema>;
export type RenewalCancelled = z.infer<typeof renewalCancelledSchema>;
export type AutorenewSettingsChanged = z.infer<typeof autorenewSettingsChangedSchema>;
