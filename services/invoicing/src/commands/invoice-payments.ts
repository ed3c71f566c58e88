// Payment attempts of an invoice: never two charges for one attempt, never a charge without a
// trace. PaymentAttemptStarted is stored (with its in-flight row) before the gateway is called,
// with the idempotency key `${invoiceId}:${attempt}`; the outcome is stored when the gateway
// answers. When it does not (timeout, lost response, crash), the attempt stays in flight until
// the reconciler asks the gateway what became of that key — it never charges again.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventMetadata } from '@billing/contracts';
import { derivedEventId, namedStatement, newTimeOrderedId, runStatement, WrongExpectedVersionError } from '@billing/eventsourcing';
import { CLOCK, instantText, type Clock } from '@billing/platform';
import { paymentMethodOf, type CustomerAccountState } from '../domain/customer-account';
import { type InvoiceEvent, type InvoiceState, type PaymentFailureReason } from '../domain/invoice';
import { decideInvoice, type ChosenPaymentMethod, type PaymentOutcome } from '../domain/invoice.decide';
import { BillNotFound, InvoiceAlreadyPaid, InvoiceCancelled, PaymentInProgress } from '../domain/invoicing-refusals';
import { PAYMENT_GATEWAY, type ChargeOutcome, type PaymentGateway } from '../payments/payment-gateway';
import { CustomerAccounts } from './customer-accounts';
import { InvoiceIssuing, type LoadedInvoice } from './invoice-issuing';

/** What a payment request came to, as the payer sees it right away. */
export type PaymentResult =
  | Readonly<{ status: 'paid'; invoiceId: string; attempt: number; paymentId: string }>
  | Readonly<{ status: 'failed'; invoiceId: string; attempt: number; paymentId: string; reason: PaymentFailureReason; retryable: boolean }>
  /** at the gateway, outcome not known yet: the reconciler will settle it */
  | Readonly<{ status: 'pending'; invoiceId: string; attempt: number; paymentId: string }>;

export type PaymentRequest = Readonly<{
  /** the payer: the invoice must be his (HTTP); absent for the service's own automatic payments */
  customerId?: string;
  /** the method to charge; absent: the account's default */
  paymentMethodId?: string;
}>;

/** What a caller read of an invoice just now (and of its payer's account): saves the reads. */
export type KnownInvoice = Readonly<{ invoice: LoadedInvoice; account?: CustomerAccountState }>;

const MAX_ATTEMPTS = 3;

const insertInFlightSql = namedStatement(
  'payment_attempt_in_flight_insert',
  `INSERT INTO payment_attempts_in_flight (idempotency_key, invoice_id, attempt, customer_id, currency, amount) VALUES ($1, $2, $3, $4, $5, $6)`,
);

const deleteInFlightSql = namedStatement('payment_attempt_in_flight_delete', `DELETE FROM payment_attempts_in_flight WHERE idempotency_key = $1`);

export function outcomeOf(charge: ChargeOutcome): PaymentOutcome {
  return charge.status === 'succeeded'
    ? { kind: 'succeeded', gatewayChargeId: charge.chargeId }
    : { kind: 'failed', reason: charge.reason, retryable: charge.retryable };
}

export function chosenMethod(account: CustomerAccountState, named: string | undefined): ChosenPaymentMethod {
  const paymentMethodId = named ?? (account.status === 'none' ? undefined : account.defaultPaymentMethodId);
  if (!paymentMethodId) return { kind: 'none' };
  return paymentMethodOf(account, paymentMethodId) ? { kind: 'found', paymentMethodId } : { kind: 'notTheCustomers', paymentMethodId };
}

@Injectable()
export class InvoicePayments {
  private readonly logger = new Logger(InvoicePayments.name);

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly invoices: InvoiceIssuing,
    private readonly accounts: CustomerAccounts,
  ) {}

  /**
   * Runs the next payment attempt of an invoice. Refusals (paid already, in progress, cancelled)
   * are thrown; a payment method that is not the customer's is a failed attempt that charges nothing.
   */
  async pay(invoiceId: string, request: PaymentRequest, metadataOf: (occurredAt: string) => EventMetadata, known?: KnownInvoice): Promise<PaymentResult> {
    for (let race = 1; ; race++) {
      // what the caller read just now serves the first try; a lost race reads again
      const loaded = race === 1 && known ? known.invoice : await this.invoices.load(invoiceId);
      const { state } = loaded;
      if (state.status === 'notIssued' || (request.customerId !== undefined && state.invoice.customerId !== request.customerId)) {
        throw new BillNotFound(invoiceId);
      }
      const account = race === 1 && known?.account ? known.account : await this.accounts.load(state.invoice.customerId);
      const chosen = chosenMethod(account, request.paymentMethodId);
      const attempt = state.attempts + 1;
      const paymentId = derivedEventId(invoiceId, `payment-attempt-${attempt}`);
      const startedAt = instantText(this.clock.now());
      let started: InvoiceEvent | undefined;
      let afterStart: LoadedInvoice;
      try {
        afterStart = await this.invoices.appendDecided(invoiceId, loaded, async (client) => {
          const [event] = decideInvoice({ type: 'StartPaymentAttempt', data: { invoiceId, attempt, paymentId, paymentMethod: chosen, startedAt } }, state);
          if (event.type === 'PaymentAttemptStarted') {
            const { idempotencyKey, customerId, amount } = event.data;
            await runStatement(client, insertInFlightSql, [idempotencyKey, invoiceId, attempt, customerId, amount.currency, amount.value]);
          }
          started = event;
          // a fresh id: a concurrent payer's start then meets a version conflict, not a replay of this one
          return [{ ...event, eventId: newTimeOrderedId(), metadata: metadataOf(startedAt) }];
        });
      } catch (error) {
        // another payer started first: decide again on what it did (in progress, paid, …)
        if (error instanceof WrongExpectedVersionError && race < MAX_ATTEMPTS) continue;
        throw error;
      }
      if (!started) throw new Error(`no payment event decided for invoice ${invoiceId}`);
      if (started.type === 'PaymentFailed') {
        const { reason, retryable } = started.data;
        return { status: 'failed', invoiceId, attempt, paymentId, reason, retryable };
      }
      if (started.type !== 'PaymentAttemptStarted') throw new Error(`unexpected ${started.type} when starting a payment attempt`);

      const method = paymentMethodOf(account, started.data.paymentMethodId);
      let charge: ChargeOutcome;
      try {
        charge = await this.gateway.charge({
          idempotencyKey: started.data.idempotencyKey,
          paymentToken: method?.gatewayToken ?? '',
          amount: started.data.amount,
          customerId: state.invoice.customerId,
          description: `Invoice ${state.invoice.number}`,
        });
      } catch (error) {
        // the charge may have happened: the reconciler asks the gateway, nobody charges again
        this.logger.warn({ msg: 'payment outcome unknown: left to the reconciler', invoiceId, attempt, error: (error as Error).message });
        return { status: 'pending', invoiceId, attempt, paymentId };
      }
      const recorded = await this.recordOutcome(invoiceId, attempt, outcomeOf(charge), false, metadataOf, afterStart);
      return this.resultOf(recorded, invoiceId, attempt, paymentId);
    }
  }

  /**
   * After an automatic issue (one-click order, automatic renewal): the first attempt, once.
   * `known`: the invoice as the issue left it (and the payer's account), saving their reads.
   */
  async payOnIssue(invoiceId: string, metadataOf: (occurredAt: string) => EventMetadata, known?: KnownInvoice): Promise<PaymentResult | undefined> {
    const invoice = known?.invoice ?? (await this.invoices.load(invoiceId));
    const { state } = invoice;
    // a repeated request finds its attempt made (or the invoice settled) and does not pay again
    if (state.status !== 'unpaid' || state.attempts > 0 || !state.invoice.settlement.autoPay) return undefined;
    try {
      // the method the order chose for its one-click payment, else the default
      const { paymentMethodId } = state.invoice.settlement;
      return await this.pay(invoiceId, paymentMethodId ? { paymentMethodId } : {}, metadataOf, { ...known, invoice });
    } catch (error) {
      // the customer got there first (paying, or paid): nothing left to do automatically
      if (error instanceof PaymentInProgress || error instanceof InvoiceAlreadyPaid) return undefined;
      throw error;
    }
  }

  /**
   * The dunning retry renewal asks for on its schedule: attempt `attempt` of the invoice, with the
   * account's default payment method (the customer may have changed it since the failure). Runs
   * only if it is the next attempt of a still unpaid invoice of that customer: a repeated request,
   * or one overtaken by a payment, charges nothing.
   */
  async retryOnSchedule(invoiceId: string, customerId: string, attempt: number, metadataOf: (occurredAt: string) => EventMetadata): Promise<PaymentResult | undefined> {
    const { state } = await this.invoices.load(invoiceId);
    if (state.status !== 'unpaid' || state.invoice.customerId !== customerId || state.attempts + 1 !== attempt) return undefined;
    try {
      return await this.pay(invoiceId, {}, metadataOf);
    } catch (error) {
      if (error instanceof PaymentInProgress || error instanceof InvoiceAlreadyPaid || error instanceof InvoiceCancelled) return undefined;
      throw error;
    }
  }

  /**
   * Settles an attempt in flight with what the gateway says of its key: its outcome, or, when the
   * gateway never received it, the outcome of sending it again with the same key (`mayResend`
   * claims one send, and says no once they are used up); failing that, a retryable failure
   * (another attempt gets another key).
   * @throws PaymentOutcomeUnknown when the send again gets no answer either: the attempt stays in flight.
   */
  async reconcile(
    invoiceId: string,
    attempt: number,
    idempotencyKey: string,
    metadataOf: (occurredAt: string) => EventMetadata,
    mayResend: () => Promise<boolean>,
  ): Promise<InvoiceState> {
    const found = await this.gateway.findCharge(idempotencyKey);
    // the invoice as the send again read it serves the record (it is read again only if it moved)
    const { charge, invoice } = found ? { charge: found, invoice: undefined } : await this.sendAgain(invoiceId, idempotencyKey, mayResend);
    const outcome: PaymentOutcome = charge ? outcomeOf(charge) : { kind: 'failed', reason: 'gatewayUnavailable', retryable: true };
    return this.recordOutcome(invoiceId, attempt, outcome, true, metadataOf, invoice);
  }

  /**
   * The request of an attempt never reached the gateway (this process died before the call, or the
   * request was lost on its way): it is sent again as it was, with the attempt's key, so that the
   * customer is not left unpaid by our fault. The key makes it safe: if the first request arrives
   * after all, the gateway answers both with one charge. No charge when not sent; the invoice as read.
   */
  private async sendAgain(
    invoiceId: string,
    idempotencyKey: string,
    mayResend: () => Promise<boolean>,
  ): Promise<{ charge?: ChargeOutcome; invoice: LoadedInvoice }> {
    const invoice = await this.invoices.load(invoiceId);
    const { state } = invoice;
    if (state.status !== 'paymentPending' || state.pendingAttempt.idempotencyKey !== idempotencyKey) return { invoice };
    const { paymentMethodId, amount, customerId } = state.pendingAttempt;
    const method = paymentMethodOf(await this.accounts.load(customerId), paymentMethodId);
    // the method was removed since: the attempt fails, the customer (or dunning) pays with another
    if (!method || !(await mayResend())) return { invoice };
    this.logger.log({ msg: 'payment attempt never reached the gateway: sent again with its key', invoiceId, attempt: state.pendingAttempt.attempt });
    const charge = await this.gateway.charge({ idempotencyKey, paymentToken: method.gatewayToken, amount, customerId, description: `Invoice ${state.invoice.number}` });
    return { charge, invoice };
  }

  /** Stores an attempt's outcome and ends its in-flight row in the same transaction. */
  async recordOutcome(
    invoiceId: string,
    attempt: number,
    outcome: PaymentOutcome,
    reconciled: boolean,
    metadataOf: (occurredAt: string) => EventMetadata,
    known?: LoadedInvoice,
  ): Promise<InvoiceState> {
    for (let race = 1; ; race++) {
      const loaded = race === 1 && known ? known : await this.invoices.load(invoiceId);
      const { state } = loaded;
      const at = instantText(this.clock.now());
      try {
        const recorded = await this.invoices.appendDecided(invoiceId, loaded, async (client) => {
          const events = decideInvoice({ type: 'RecordPaymentOutcome', data: { invoiceId, attempt, outcome, reconciled, at } }, state);
          const pendingKey = state.status === 'paymentPending' ? state.pendingAttempt.idempotencyKey : undefined;
          if (events.length > 0 && pendingKey) await runStatement(client, deleteInFlightSql, [pendingKey]);
          return events.map((event) => ({ ...event, eventId: derivedEventId(`${invoiceId}:${attempt}`, `outcome:${event.type}`), metadata: metadataOf(at) }));
        });
        return recorded.state;
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && race < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private resultOf(state: InvoiceState, invoiceId: string, attempt: number, paymentId: string): PaymentResult {
    if (state.status === 'paid' && state.payment.attempt === attempt) return { status: 'paid', invoiceId, attempt, paymentId };
    if (state.status !== 'notIssued' && state.lastFailure?.attempt === attempt) {
      return { status: 'failed', invoiceId, attempt, paymentId, reason: state.lastFailure.reason, retryable: state.lastFailure.retryable };
    }
    return { status: 'pending', invoiceId, attempt, paymentId };
  }
}
