// What the RenewalTerm decides for each command. Pure: time, amounts and dates come in with the
// command. A command the term has already acted on (a step claimed twice, a redelivered
// invoicing event, a step made moot by a payment) decides nothing, so every caller — scheduler
// replicas, restarts, duplicate messages — can repeat it safely: one term, one of each fact.
import type { Decider } from '@billing/eventsourcing';
import type { InvoicePaymentFailureReason, RenewalInvoiceRequested, RenewalReminderSent } from '@billing/contracts';
import { Temporal } from 'temporal-polyfill';
import {
  evolve,
  initialRenewalTermState,
  isUnpaid,
  type NotRenewedReason,
  type PaymentRetry,
  type RenewalTermEvent,
  type RenewalTermState,
  type TermIdentity,
} from './renewal-term';

export type SendRenewalReminder = Readonly<{ type: 'SendRenewalReminder'; data: RenewalReminderSent }>;
export type RequestRenewalInvoice = Readonly<{ type: 'RequestRenewalInvoice'; data: RenewalInvoiceRequested }>;
export type RecordRenewalInvoiceIssued = Readonly<{ type: 'RecordRenewalInvoiceIssued'; data: Readonly<{ invoiceId: string; issuedAt: string }> }>;
export type RecordRenewalPaymentFailure = Readonly<{
  type: 'RecordRenewalPaymentFailure';
  data: Readonly<{
    invoiceId: string;
    attempt: number;
    reason: InvoicePaymentFailureReason;
    retryable: boolean;
    failedOn: string;
    failedAt: string;
    /** the dunning schedule: days after the first failure on which the payment is attempted again */
    dunningRetryDays: readonly number[];
  }>;
}>;
/** The dunning step is due: invoicing is asked to attempt the payment again now. */
export type AskForPaymentRetry = Readonly<{ type: 'AskForPaymentRetry'; data: Readonly<{ attempt: number; scheduledAt: string }> }>;
export type RecordRenewalPayment = Readonly<{
  type: 'RecordRenewalPayment';
  data: Readonly<{ invoiceId: string; newExpirationDate: string; succeededAt: string }>;
}>;
export type LapseRenewal = Readonly<{ type: 'LapseRenewal'; data: Readonly<{ suspensionDate: string; terminationDate: string; lapsedAt: string }> }>;
export type PassPaymentDeadline = Readonly<{ type: 'PassPaymentDeadline'; data: Readonly<{ terminationDate: string; passedAt: string }> }>;
export type EndGracePeriod = Readonly<{ type: 'EndGracePeriod'; data: Readonly<{ endedAt: string }> }>;
export type ExpireUnrenewedTerm = Readonly<{ type: 'ExpireUnrenewedTerm'; data: TermIdentity & Readonly<{ reason: NotRenewedReason; expiredAt: string }> }>;
export type CancelRenewalTerm = Readonly<{
  type: 'CancelRenewalTerm';
  data: TermIdentity & Readonly<{ reason: 'serviceTerminated' | 'expirationMoved'; cancelledAt: string }>;
}>;

export type RenewalTermCommand =
  | SendRenewalReminder
  | RequestRenewalInvoice
  | RecordRenewalInvoiceIssued
  | RecordRenewalPaymentFailure
  | AskForPaymentRetry
  | RecordRenewalPayment
  | LapseRenewal
  | PassPaymentDeadline
  | EndGracePeriod
  | ExpireUnrenewedTerm
  | CancelRenewalTerm;

/** The retry a failed attempt leads to: attempt n failed → attempt n+1 on first failure + days[n-1]. */
export function dunningRetryAfter(
  failedAttempt: number,
  firstFailedOn: string,
  dunningRetryDays: readonly number[],
): PaymentRetry | undefined {
  const days = dunningRetryDays[failedAttempt - 1];
  if (days === undefined) return undefined;
  return { attempt: failedAttempt + 1, retryOn: Temporal.PlainDate.from(firstFailedOn).add({ days }).toString() };
}

const nothing: readonly RenewalTermEvent[] = [];

export function decide(command: RenewalTermCommand, state: RenewalTermState): readonly RenewalTermEvent[] {
  switch (command.type) {
    case 'SendRenewalReminder': {
      const canRemind = state.status === 'scheduled' || state.status === 'reminded' || state.status === 'invoiceRequested';
      if (!canRemind) return nothing;
      if (state.status !== 'scheduled' && state.remindersSent.includes(command.data.daysBeforeExpiration)) return nothing;
      return [{ type: 'RenewalReminderSent', data: command.data }];
    }
    case 'RequestRenewalInvoice':
      // once per term: whatever asks again (a second claim, a replica) finds it requested
      if (state.status !== 'scheduled' && state.status !== 'reminded') return nothing;
      return [{ type: 'RenewalInvoiceRequested', data: command.data }];
    case 'RecordRenewalInvoiceIssued': {
      if (!isUnpaid(state) || state.billing.invoiceId !== undefined) return nothing;
      const { renewalTermId, serviceId, customerId } = state.term;
      return [{ type: 'RenewalInvoiceIssued', data: { renewalTermId, serviceId, customerId, ...command.data } }];
    }
    case 'RecordRenewalPaymentFailure': {
      if (!isUnpaid(state)) return nothing;
      const { billing, term } = state;
      const { dunningRetryDays, ...failure } = command.data;
      if (failure.attempt <= billing.failedAttempts) return nothing;
      // only automatic renewals are charged again: a manual one waits for the customer
      const retries = billing.autoPay && failure.retryable;
      const nextRetry = retries ? dunningRetryAfter(failure.attempt, billing.firstFailedOn ?? failure.failedOn, dunningRetryDays) : undefined;
      return [
        {
          type: 'RenewalPaymentFailed',
          data: { renewalTermId: term.renewalTermId, serviceId: term.serviceId, customerId: term.customerId, ...failure, ...(nextRetry ? { nextRetry } : {}) },
        },
      ];
    }
    case 'AskForPaymentRetry': {
      if (!isUnpaid(state)) return nothing;
      const { billing, term } = state;
      if (billing.nextRetry?.attempt !== command.data.attempt || billing.invoiceId === undefined || billing.lastFailureReason === undefined) return nothing;
      return [
        {
          type: 'RenewalPaymentRetryScheduled',
          data: {
            renewalTermId: term.renewalTermId,
            serviceId: term.serviceId,
            customerId: term.customerId,
            invoiceId: billing.invoiceId,
            failedAttempt: command.data.attempt - 1,
            failureReason: billing.lastFailureReason,
            nextAttempt: command.data.attempt,
            retryOn: billing.nextRetry.retryOn,
            scheduledAt: command.data.scheduledAt,
          },
        },
      ];
    }
    case 'RecordRenewalPayment': {
      // paid at any point before termination: renewed on the term's own dates
      if (!isUnpaid(state)) return nothing;
      const { term } = state;
      return [
        {
          type: 'RenewalSucceeded',
          data: {
            renewalTermId: term.renewalTermId,
            serviceId: term.serviceId,
            customerId: term.customerId,
            invoiceId: command.data.invoiceId,
            newExpirationDate: command.data.newExpirationDate,
            succeededAt: command.data.succeededAt,
          },
        },
      ];
    }
    case 'LapseRenewal': {
      if (state.status !== 'invoiceRequested') return nothing;
      return [{ type: 'RenewalLapsed', data: { ...unpaidTermFields(state), ...command.data } }];
    }
    case 'PassPaymentDeadline': {
      if (state.status !== 'lapsed') return nothing;
      return [{ type: 'RenewalPaymentDeadlinePassed', data: { ...unpaidTermFields(state), ...command.data } }];
    }
    case 'EndGracePeriod': {
      if (state.status !== 'suspended') return nothing;
      return [{ type: 'RenewalGracePeriodEnded', data: { ...unpaidTermFields(state), ...command.data } }];
    }
    case 'ExpireUnrenewedTerm': {
      // a term the service does not renew ends at its expiration, even if it was invoiced before
      // the customer chose to stop (invoicing then credits the term's line: RenewalCancelled)
      const open = state.status === 'scheduled' || state.status === 'reminded' || state.status === 'invoiceRequested';
      if (!open) return nothing;
      const invoiceId = state.status === 'invoiceRequested' ? state.billing.invoiceId : undefined;
      return [{ type: 'RenewalTermExpired', data: { ...command.data, ...(invoiceId ? { invoiceId } : {}) } }];
    }
    case 'CancelRenewalTerm': {
      const open = state.status === 'scheduled' || state.status === 'reminded' || isUnpaid(state);
      if (!open) return nothing;
      // invoiced and stopped before its expiration: the invoice's line for it is not owed. Past
      // the expiration unpaid (lapsed, suspended), the invoice stays due, as at the grace period's end.
      const invoiceId = state.status === 'invoiceRequested' ? state.billing.invoiceId : undefined;
      return [{ type: 'RenewalTermCancelled', data: { ...command.data, ...(invoiceId ? { invoiceId } : {}) } }];
    }
  }
}

function unpaidTermFields(state: Extract<RenewalTermState, { billing: unknown }>) {
  const { renewalTermId, serviceId, customerId, expirationDate } = state.term;
  return { renewalTermId, serviceId, customerId, expirationDate, ...(state.billing.invoiceId ? { invoiceId: state.billing.invoiceId } : {}) };
}

export const renewalTermDecider: Decider<RenewalTermCommand, RenewalTermEvent, RenewalTermState> = {
  initialState: initialRenewalTermState,
  evolve,
  decide,
};
