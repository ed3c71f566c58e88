// billing.services.v1 — published by subscription: the services customers hold.
// Service lifecycle: active → toRenew → active when paid; unpaid → rupture (suspended) →
// terminated; a suspended service that gets paid is reopened.
import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { topics } from '../topics';
import {
  calendarDateSchema,
  customerIdSchema,
  described,
  engagementSchema,
  instantSchema,
  moneySchema,
  periodSchema,
  planCodeSchema,
  renewModeSchema,
  signedMoneySchema,
  subsidiarySchema,
  universeSchema,
  uuidSchema,
} from '../vocabulary';

const topic = topics.services;

const serviceIdSchema = described(uuidSchema, 'The service, minted by subscription.');
const renewalTermIdSchema = described(
  uuidSchema,
  'The renewal term, minted deterministically by renewal from the service and the term: one term, one id.',
);
const termPriceSchema = described(moneySchema, 'The price of one term of the service, tax excluded.');
const expirationDateSchema = described(
  calendarDateSchema,
  'The date the current term ends and the next one starts: the anchor date plus a whole number of periods.',
);

/** The closed list of the public API (`service.TerminationReasonEnum`), spelled as it is there. */
export const terminationReasons = [
  'FEATURES_DONT_SUIT_ME',
  'LACK_OF_PERFORMANCES',
  'MIGRATED_TO_ANOTHER_OVH_PRODUCT',
  'MIGRATED_TO_COMPETITOR',
  'NOT_ENOUGH_RECOGNITION',
  'NOT_NEEDED_ANYMORE',
  'NOT_RELIABLE',
  'NO_ANSWER',
  'OTHER',
  'PRODUCT_DIMENSION_DONT_SUIT_ME',
  'PRODUCT_TOOLS_DONT_SUIT_ME',
  'TOO_EXPENSIVE',
  'TOO_HARD_TO_USE',
  // sic: the public API's spelling, kept so that clients' values are accepted as they are
  'UNSATIFIED_BY_CUSTOMER_SUPPORT',
] as const;
export type TerminationReason = (typeof terminationReasons)[number];

/** What the customer will do instead (`service.TerminationFutureUseEnum`). */
export const terminationFutureUses = [
  'NOT_REPLACING_SERVICE',
  'OTHER',
  'SUBSCRIBE_AN_OTHER_SERVICE',
  'SUBSCRIBE_OTHER_KIND_OF_SERVICE_WITH_COMPETITOR',
  'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR',
] as const;
export type TerminationFutureUse = (typeof terminationFutureUses)[number];

export const serviceActivatedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  orderId: uuidSchema,
  itemId: described(uuidSchema, 'The order item the service was delivered from (one service per item).'),
  subsidiary: subsidiarySchema,
  universe: universeSchema,
  planCode: planCodeSchema,
  period: described(periodSchema, 'The renew period: the length of each term.'),
  price: termPriceSchema,
  anchorDate: described(
    calendarDateSchema,
    'The date the first term starts: every term end is the anchor plus a whole number of periods, never the previous end plus one.',
  ),
  expirationDate: expirationDateSchema,
  renewMode: renewModeSchema,
  engagement: engagementSchema.optional(),
  activatedAt: instantSchema,
});

export const serviceImportedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  legacyServiceId: described(z.string().min(1), "The service's id in the legacy system."),
  subsidiary: subsidiarySchema,
  universe: universeSchema,
  planCode: planCodeSchema,
  period: periodSchema,
  price: termPriceSchema,
  anchorDate: calendarDateSchema,
  expirationDate: expirationDateSchema,
  renewMode: renewModeSchema,
  legacy: described(
    z.boolean(),
    'True while the service runs under its legacy contract: at its next renewal the customer accepts the new contract (ServiceContractAccepted) or the service terminates at expiration.',
  ),
  engagement: engagementSchema.optional(),
  importedAt: instantSchema,
});

export const serviceContractAcceptedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  contractVersion: described(z.string().min(1), 'The version of the contract the customer accepted.'),
  renewMode: described(
    z.literal('automatic'),
    'Accepting the contract switches a legacy service to automatic renewal.',
  ),
  acceptedAt: instantSchema,
});

export const serviceRenewModeChangedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  renewMode: renewModeSchema,
  previousRenewMode: renewModeSchema,
  changedAt: instantSchema,
});

export const serviceRenewPeriodChangedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  period: described(periodSchema, 'The new renew period, from the next term on.'),
  previousPeriod: periodSchema,
  price: described(moneySchema, 'The price of one term of the new period, tax excluded.'),
  changedAt: instantSchema,
});

export const serviceExpirationExtendedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  renewalTermId: renewalTermIdSchema,
  previousExpirationDate: calendarDateSchema,
  expirationDate: described(calendarDateSchema, 'The new expiration date: one period further, from the anchor.'),
  extendedAt: instantSchema,
});

export const servicePlanChangedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  planChangeId: described(uuidSchema, 'This change of plan: the key of its one proration invoice.'),
  universe: universeSchema,
  previousPlanCode: planCodeSchema,
  planCode: planCodeSchema,
  previousPrice: described(moneySchema, 'The price of one term of the previous plan, tax excluded.'),
  price: described(moneySchema, 'The price of one term of the new plan, tax excluded.'),
  termStartDate: described(calendarDateSchema, 'The date the current term started.'),
  effectiveDate: described(
    calendarDateSchema,
    'The first day on the new plan: the unused days of the old plan are credited, the new plan charged, by day, until expirationDate.',
  ),
  expirationDate: described(expirationDateSchema, 'Unchanged by the plan change.'),
  subsidiary: described(subsidiarySchema, 'The subsidiary that sold the service and invoices the change.').optional(),
  unusedOldPlanCredit: described(
    signedMoneySchema,
    'Negative: the unused days of the previous plan, from effectiveDate to expirationDate, credited (tax excluded).',
  ).optional(),
  newPlanCharge: described(moneySchema, 'The new plan over the same days, charged (tax excluded).').optional(),
  changedAt: instantSchema,
});

export const serviceTerminationRequestedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  token: described(
    z.string().min(16),
    'The one-time token that confirms the termination. Carried here on purpose: this event is the notification that e-mails it to the customer.',
  ),
  tokenExpiresAt: instantSchema,
  requestedAt: instantSchema,
});

export const serviceTerminationConfirmedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  reason: z.enum(terminationReasons),
  futureUse: z.enum(terminationFutureUses).optional(),
  commentary: described(z.string().max(2000), "The customer's own words.").optional(),
  effective: described(
    z.enum(['atExpiration', 'atEngagementEnd', 'immediately']),
    'When the service terminates: at its expiration date (the default), at the end of its engagement, or now.',
  ),
  effectiveDate: described(calendarDateSchema, 'The day the service terminates.'),
  confirmedAt: instantSchema,
});

export const serviceTerminationCancelledSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  cancelledAt: instantSchema,
});

export const serviceMarkedUnpaidSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  renewalTermId: renewalTermIdSchema,
  expirationDate: described(calendarDateSchema, 'The expiration date that passed without payment.'),
  markedAt: instantSchema,
});

export const serviceSuspendedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  reason: z.enum(['unpaidRenewal', 'operatorDecision']),
  renewalTermId: described(renewalTermIdSchema, 'The unpaid term, when suspended for non-payment.').optional(),
  suspendedAt: instantSchema,
});

export const serviceReopenedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  renewalTermId: described(renewalTermIdSchema, 'The term whose late payment reopened it.').optional(),
  expirationDate: described(
    expirationDateSchema,
    'The expiration after reopening, computed from the original anchor date.',
  ),
  reopenedAt: instantSchema,
});

export const serviceTerminatedSchema = z.object({
  serviceId: serviceIdSchema,
  customerId: customerIdSchema,
  reason: described(
    z.enum([
      'customerRequest',
      'deleteAtExpiration',
      'unpaidRenewal',
      'withdrawal',
      'contractNotAccepted',
      'operatorDecision',
    ]),
    'Why: a confirmed termination, the renew mode, the grace period ended unpaid, an EU withdrawal, a legacy contract not accepted, or an operator.',
  ),
  terminatedAt: instantSchema,
});

export const serviceEvents = [
  defineEvent({
    type: 'ServiceActivated',
    schemaVersion: 1,
    topic,
    schema: serviceActivatedSchema,
    description:
      'A service was created from a delivered order item (status `active`): renewal schedules its first term.',
  }),
  defineEvent({
    type: 'ServiceImported',
    schemaVersion: 1,
    topic,
    schema: serviceImportedSchema,
    description: 'A legacy service was imported with its current expiration (status `active`).',
  }),
  defineEvent({
    type: 'ServiceContractAccepted',
    schemaVersion: 1,
    topic,
    schema: serviceContractAcceptedSchema,
    description: 'The customer accepted the new contract for a legacy service, in one click; it now renews automatically.',
  }),
  defineEvent({
    type: 'ServiceRenewModeChanged',
    schemaVersion: 1,
    topic,
    schema: serviceRenewModeChangedSchema,
    description: "The service's renew mode changed; renewal and the forecast follow it.",
  }),
  defineEvent({
    type: 'ServiceRenewPeriodChanged',
    schemaVersion: 1,
    topic,
    schema: serviceRenewPeriodChangedSchema,
    description: "The service's renew period changed, from its next term on, with that period's price.",
  }),
  defineEvent({
    type: 'ServiceExpirationExtended',
    schemaVersion: 1,
    topic,
    schema: serviceExpirationExtendedSchema,
    description: 'A renewal term was paid: the expiration moved one period forward (status `active`).',
  }),
  defineEvent({
    type: 'ServicePlanChanged',
    schemaVersion: 1,
    topic,
    schema: servicePlanChangedSchema,
    description:
      'The service moved to another plan mid-term (upgrade): invoicing issues one invoice crediting the unused old term and charging the new plan, prorated by day.',
  }),
  defineEvent({
    type: 'ServiceTerminationRequested',
    schemaVersion: 1,
    topic,
    schema: serviceTerminationRequestedSchema,
    description:
      'The customer asked to terminate the service: a notification carrying the one-time confirmation token, for e-mail delivery. Restrict read access to this topic accordingly.',
  }),
  defineEvent({
    type: 'ServiceTerminationConfirmed',
    schemaVersion: 1,
    topic,
    schema: serviceTerminationConfirmedSchema,
    description:
      'The customer confirmed the termination with the token (pending action `terminateAtExpirationDate` or `terminateAtEngagementDate`, or immediate); renewal stops renewing it.',
  }),
  defineEvent({
    type: 'ServiceTerminationCancelled',
    schemaVersion: 1,
    topic,
    schema: serviceTerminationCancelledSchema,
    description: 'A pending termination was cancelled before it took effect: the service renews again.',
  }),
  defineEvent({
    type: 'ServiceMarkedUnpaid',
    schemaVersion: 1,
    topic,
    schema: serviceMarkedUnpaidSchema,
    description: 'The service reached its expiration with its renewal unpaid (status `unpaid`).',
  }),
  defineEvent({
    type: 'ServiceSuspended',
    schemaVersion: 1,
    topic,
    schema: serviceSuspendedSchema,
    description: 'The service was suspended (status `rupture`), 7 days after an unpaid expiration.',
  }),
  defineEvent({
    type: 'ServiceReopened',
    schemaVersion: 1,
    topic,
    schema: serviceReopenedSchema,
    description:
      'An unpaid or suspended service was paid late and restored with its original anchor dates (status `active`).',
  }),
  defineEvent({
    type: 'ServiceTerminated',
    schemaVersion: 1,
    topic,
    schema: serviceTerminatedSchema,
    description: 'The service ended (status `terminated`); nothing is renewed or billed for it any more.',
  }),
] as const;

export type ServiceActivated = z.infer<typeof serviceActivatedSchema>;
export type ServiceImported = z.infer<typeof serviceImportedSchema>;
export type ServiceContractAccepted = z.infer<typeof serviceContractAcceptedSchema>;
export type ServiceRenewModeChanged = z.infer<typeof serviceRenewModeChangedSchema>;
export type ServiceRenewPeriodChanged = z.infer<typeof serviceRenewPeriodChangedSchema>;
export type ServiceExpirationExtended = z.infer<typeof serviceExpirationExtendedSchema>;
export type ServicePlanChanged = z.infer<typeof servicePlanChangedSchema>;
export type ServiceTerminationRequested = z.infer<typeof serviceTerminationRequestedSchema>;
export type ServiceTerminationConfirmed = z.infer<typeof serviceTerminationConfirmedSchema>;
export type ServiceTerminationCancelled = z.infer<typeof serviceTerminationCancelledSchema>;
export type ServiceMarkedUnpaid = z.infer<typeof serviceMarkedUnpaidSchema>;
export type ServiceSuspended = z.infer<typeof serviceSuspendedSchema>;
export type ServiceReopened = z.infer<typeof serviceReopenedSchema>;
export type ServiceTerminated = z.infer<typeof serviceTerminatedSchema>;
