// The RenewalTerm aggregate: one term of one service, from its first reminder to its renewal, its
// lapse into dunning and termination, or its end without renewal. DOMAIN.md: reminders 40 and 15
// days before expiration → renewal invoice requested → paid (the expiration moves one period on)
// or unpaid at expiration (lapsed) → suspended after the payment deadline → terminated after the
// grace period; a payment at any point before termination renews the term on its original dates.
import type {
  InvoicePaymentFailureReason,
  RenewalGracePeriodEnded,
  RenewalInvoiceRequested,
  RenewalLapsed,
  RenewalPaymentDeadlinePassed,
  RenewalPaymentRetryScheduled,
  RenewalReminderSent,
  RenewalSucceeded,
} from '@billing/contracts';

/** Which term: the service and the expiration date it renews (the term's start). */
export type TermIdentity = Readonly<{
  renewalTermId: string;
  serviceId: string;
  customerId: string;
  /** YYYY-MM-DD in the subsidiary's calendar: the expiration the term renews, its first day */
  expirationDate: string;
}>;

/** Why a term ends without being renewed. */
export type NotRenewedReason = 'deleteAtExpiration' | 'terminationRequested' | 'contractNotAccepted';

export type ReminderDays = 40 | 15;

// ── events: the public ones carry their contract's data as is ──

export type RenewalReminderSentEvent = Readonly<{ type: 'RenewalReminderSent'; data: RenewalReminderSent }>;
export type RenewalInvoiceRequestedEvent = Readonly<{ type: 'RenewalInvoiceRequested'; data: RenewalInvoiceRequested }>;

/** Invoicing issued the term's invoice (private: tells the term which invoice it waits for). */
export type RenewalInvoiceIssued = Readonly<{
  type: 'RenewalInvoiceIssued';
  data: Readonly<{ renewalTermId: string; serviceId: string; customerId: string; invoiceId: string; issuedAt: string }>;
}>;

/** A payment attempt of the term's invoice failed (private); `nextRetry` is the dunning step it leads to. */
export type RenewalPaymentFailed = Readonly<{
  type: 'RenewalPaymentFailed';
  data: Readonly<{
    renewalTermId: string;
    serviceId: string;
    customerId: string;
    invoiceId: string;
    attempt: number;
    reason: InvoicePaymentFailureReason;
    retryable: boolean;
    /** YYYY-MM-DD: the day it failed, in the subsidiary's calendar (retries count from the first) */
    failedOn: string;
    failedAt: string;
    nextRetry?: PaymentRetry;
  }>;
}>;

export type RenewalPaymentRetryScheduledEvent = Readonly<{ type: 'RenewalPaymentRetryScheduled'; data: RenewalPaymentRetryScheduled }>;
export type RenewalSucceededEvent = Readonly<{ type: 'RenewalSucceeded'; data: RenewalSucceeded }>;
export type RenewalLapsedEvent = Readonly<{ type: 'RenewalLapsed'; data: RenewalLapsed }>;
export type RenewalPaymentDeadlinePassedEvent = Readonly<{ type: 'RenewalPaymentDeadlinePassed'; data: RenewalPaymentDeadlinePassed }>;
export type RenewalGracePeriodEndedEvent = Readonly<{ type: 'RenewalGracePeriodEnded'; data: RenewalGracePeriodEnded }>;

/** The term reached its expiration and is not renewed: the service ends there. */
export type RenewalTermExpired = Readonly<{
  type: 'RenewalTermExpired';
  data: TermIdentity & Readonly<{ reason: NotRenewedReason; invoiceId?: string; expiredAt: string }>;
}>;

/**
 * The term will not happen: the service ended, or its expiration moved elsewhere. Published only
 * when the service ended with the term's invoice issued and its expiration still ahead (`invoiceId`):
 * as RenewalCancelled, for invoicing to credit the term's line.
 */
export type RenewalTermCancelled = Readonly<{
  type: 'RenewalTermCancelled';
  data: TermIdentity & Readonly<{ reason: 'serviceTerminated' | 'expirationMoved'; invoiceId?: string; cancelledAt: string }>;
}>;

export type RenewalTermEvent =
  | RenewalReminderSentEvent
  | RenewalInvoiceRequestedEvent
  | RenewalInvoiceIssued
  | RenewalPaymentFailed
  | RenewalPaymentRetryScheduledEvent
  | RenewalSucceededEvent
  | RenewalLapsedEvent
  | RenewalPaymentDeadlinePassedEvent
  | RenewalGracePeriodEndedEvent
  | RenewalTermExpired
  | RenewalTermCancelled;

// ── state ──

export type PaymentRetry = Readonly<{ attempt: number; retryOn: string }>;

/** What the term knows about its invoice once requested. */
export type TermBilling = Readonly<{
  autoPay: boolean;
  amount: RenewalInvoiceRequested['amount'];
  termEndDate: string;
  invoiceId?: string;
  /** the highest attempt number reported failed */
  failedAttempts: number;
  firstFailedOn?: string;
  lastFailureReason?: InvoicePaymentFailureReason;
  /** the retry the dunning schedule asks for next, if any */
  nextRetry?: PaymentRetry;
}>;

export type RenewalTermStatus =
  | 'scheduled'
  | 'reminded'
  | 'invoiceRequested'
  | 'lapsed'
  | 'suspended'
  | 'renewed'
  | 'terminated'
  | 'expired'
  | 'cancelled';

export type ScheduledTerm = Readonly<{ status: 'scheduled' }>;
export type RemindedTerm = Readonly<{ status: 'reminded'; term: TermIdentity; remindersSent: readonly ReminderDays[] }>;
/** Invoiced and unpaid: before expiration (invoiceRequested), after it (lapsed), suspended. */
export type UnpaidTerm = Readonly<{
  status: 'invoiceRequested' | 'lapsed' | 'suspended';
  term: TermIdentity;
  remindersSent: readonly ReminderDays[];
  billing: TermBilling;
}>;
export type RenewedTerm = Readonly<{ status: 'renewed'; term: TermIdentity; invoiceId: string; newExpirationDate: string }>;
export type TerminatedTerm = Readonly<{ status: 'terminated'; term: TermIdentity; billing: TermBilling }>;
export type ExpiredTerm = Readonly<{ status: 'expired'; term: TermIdentity; reason: NotRenewedReason }>;
export type CancelledTerm = Readonly<{ status: 'cancelled'; term: TermIdentity; reason: RenewalTermCancelled['data']['reason'] }>;

export type RenewalTermState = ScheduledTerm | RemindedTerm | UnpaidTerm | RenewedTerm | TerminatedTerm | ExpiredTerm | CancelledTerm;

export const initialRenewalTermState = (): RenewalTermState => ({ status: 'scheduled' });

/** No step of the term is left to run. */
export function isClosed(state: RenewalTermState): boolean {
  return state.status === 'renewed' || state.status === 'terminated' || state.status === 'expired' || state.status === 'cancelled';
}

export function isUnpaid(state: RenewalTermState): state is UnpaidTerm {
  return state.status === 'invoiceRequested' || state.status === 'lapsed' || state.status === 'suspended';
}

export function renewalTermStreamId(renewalTermId: string): string {
  return `renewal-term-${renewalTermId}`;
}

function identityOf(data: { renewalTermId: string; serviceId: string; customerId: string }, expirationDate: string): TermIdentity {
  return { renewalTermId: data.renewalTermId, serviceId: data.serviceId, customerId: data.customerId, expirationDate };
}

function remindersOf(state: RenewalTermState): readonly ReminderDays[] {
  return state.status === 'reminded' || isUnpaid(state) ? state.remindersSent : [];
}

function withBilling(state: RenewalTermState, change: (billing: TermBilling) => TermBilling): RenewalTermState {
  if (isUnpaid(state)) return { ...state, billing: change(state.billing) };
  if (state.status === 'terminated') return { ...state, billing: change(state.billing) };
  return state;
}

/** The state after one more event. Events are facts: evolve never refuses one. */
export function evolve(state: RenewalTermState, event: RenewalTermEvent): RenewalTermState {
  switch (event.type) {
    case 'RenewalReminderSent': {
      const { data } = event;
      if (isUnpaid(state)) return { ...state, remindersSent: [...state.remindersSent, data.daysBeforeExpiration] };
      return { status: 'reminded', term: identityOf(data, data.expirationDate), remindersSent: [...remindersOf(state), data.daysBeforeExpiration] };
    }
    case 'RenewalInvoiceRequested': {
      const { data } = event;
      return {
        status: 'invoiceRequested',
        term: identityOf(data, data.termStartDate),
        remindersSent: remindersOf(state),
        billing: { autoPay: data.autoPay, amount: data.amount, termEndDate: data.termEndDate, failedAttempts: 0 },
      };
    }
    case 'RenewalInvoiceIssued':
      return withBilling(state, (billing) => ({ ...billing, invoiceId: event.data.invoiceId }));
    case 'RenewalPaymentFailed': {
      const { data } = event;
      return withBilling(state, (billing) => {
        const { nextRetry: _previous, ...rest } = billing;
        return {
          ...rest,
          invoiceId: data.invoiceId,
          failedAttempts: Math.max(billing.failedAttempts, data.attempt),
          firstFailedOn: billing.firstFailedOn ?? data.failedOn,
          lastFailureReason: data.reason,
          ...(data.nextRetry ? { nextRetry: data.nextRetry } : {}),
        };
      });
    }
    case 'RenewalPaymentRetryScheduled':
      return withBilling(state, ({ nextRetry: _asked, ...billing }) => billing);
    case 'RenewalSucceeded': {
      if (!('term' in state)) return state;
      return { status: 'renewed', term: state.term, invoiceId: event.data.invoiceId, newExpirationDate: event.data.newExpirationDate };
    }
    case 'RenewalLapsed':
      return isUnpaid(state) ? { ...state, status: 'lapsed' } : state;
    case 'RenewalPaymentDeadlinePassed':
      return isUnpaid(state) ? { ...state, status: 'suspended' } : state;
    case 'RenewalGracePeriodEnded':
      return isUnpaid(state) ? { status: 'terminated', term: state.term, billing: state.billing } : state;
    case 'RenewalTermExpired': {
      const { reason, invoiceId: _invoiceId, expiredAt: _at, ...term } = event.data;
      return { status: 'expired', term, reason };
    }
    case 'RenewalTermCancelled': {
      const { reason, cancelledAt: _at, ...term } = event.data;
      return { status: 'cancelled', term, reason };
    }
  }
}
