// Issues and charges the invoices of a run of orders or renewal terms at once, with the effects of
// issuing them one by one (InvoiceIssuing.issue, then InvoicePayments.payOnIssue) in a handful of
// statements instead of a dozen per invoice:
//   1. the accounts and the invoice streams of the run, read in two statements;
//   2. one transaction: each series locked (in name order) and its numbers taken as a range, then
//      every invoice's InvoiceIssued and first PaymentAttemptStarted appended in one statement,
//      with the attempts' in-flight rows, all in number order;
//   3. the charges, side by side, each with its attempt's idempotency key;
//   4. one transaction: every outcome appended and its in-flight row ended.
// The run is an optimisation, never a second set of rules: whatever is unusual — an invoice
// issued already (a replay), a stream that moved, a refusal, a conflict — rolls the run's
// transaction back and those requests take the one-by-one path, which knows how to handle it.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { findSubsidiary, toSubsidiaryDate } from '@billing/billing-kernel';
import type { EventEnvelope } from '@billing/contracts';
import {
  derivedEventId,
  namedStatement,
  newTimeOrderedId,
  runStatement,
  transactionQueryOf,
  type NewEvent,
  type PostgresEventStore,
  StreamStateCache,
  versionsAfter,
  type StreamAppend,
} from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import { Temporal } from 'temporal-polyfill';
import { billedToOf, customerAccountStreamId, paymentMethodOf, type BilledTo, type CustomerAccountEvent, type CustomerAccountState, type ProvisionalAccountCause } from '../domain/customer-account';
import { customerAccountDecider } from '../domain/customer-account.decide';
import { initialInvoiceState, invoiceStreamId, type InvoiceEvent, type InvoiceState, type PaymentAttemptStarted } from '../domain/invoice';
import { decideInvoice, invoiceDecider } from '../domain/invoice.decide';
import { documentNumber, seriesOf } from '../domain/invoice-series';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { PAYMENT_GATEWAY, type ChargeOutcome, type PaymentGateway } from '../payments/payment-gateway';
import { CustomerAccounts } from './customer-accounts';
import { eventMetadata } from './event-metadata';
import { InvoiceIssuing, type InvoiceDraft, type LoadedInvoice } from './invoice-issuing';
import { lockSeries, takeNumbers } from './invoice-numbering';
import { chosenMethod, InvoicePayments, outcomeOf } from './invoice-payments';

/** An invoice a source asks for, to be issued and (with autoPay) charged at once. */
export type AutomaticInvoiceRequest = Readonly<{
  /** the event asking for it: the cause in the metadata of what follows */
  cause: EventEnvelope;
  customerId: string;
  subsidiary: string;
  /** what a provisional account records as its opening, when the customer has none */
  openedBy: ProvisionalAccountCause;
  draftOf: (billedTo: BilledTo) => InvoiceDraft;
}>;

type Drafted = Readonly<{ request: AutomaticInvoiceRequest; account: CustomerAccountState; draft: InvoiceDraft }>;

/** A first attempt stored with its issue, to charge. */
type StartedAttempt = Readonly<{ drafted: Drafted; started: PaymentAttemptStarted['data']; invoice: LoadedInvoice; gatewayToken: string; description: string }>;

type Charged = StartedAttempt & Readonly<{ charge: ChargeOutcome }>;

const insertInFlightSql = namedStatement(
  'payment_attempts_in_flight_insert_many',
  `INSERT INTO payment_attempts_in_flight (idempotency_key, invoice_id, attempt, customer_id, currency, amount)
   SELECT a.idempotency_key, a.invoice_id, a.attempt, a.customer_id, a.currency, a.amount
     FROM jsonb_to_recordset($1::jsonb) AS a(idempotency_key text, invoice_id uuid, attempt integer, customer_id text, currency text, amount bigint)`,
);

const deleteInFlightSql = namedStatement('payment_attempts_in_flight_delete_many', `DELETE FROM payment_attempts_in_flight WHERE idempotency_key = ANY ($1::text[])`);

/** Charges sent to the gateway at once. */
const CHARGES_AT_ONCE = 16;

const metadataFor = (request: AutomaticInvoiceRequest) => (occurredAt: string) => eventMetadata(request.customerId, occurredAt, request.cause);

@Injectable()
export class AutomaticInvoicing {
  private readonly logger = new Logger(AutomaticInvoicing.name);
  /**
   * Accounts change seldom and are read for every invoice: their states are kept between runs,
   * one per customer (small: the heap stayed flat holding 10,000 through a sustained run).
   */
  private readonly accountStates = new StreamStateCache<CustomerAccountState>(10_000);

  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INVOICING_SETTINGS) private readonly settings: InvoicingSettings,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly accounts: CustomerAccounts,
    private readonly issuing: InvoiceIssuing,
    private readonly payments: InvoicePayments,
  ) {}

  /**
   * Issues each request's invoice unless its source has one, and runs the first attempt of those
   * paid automatically: what `issueOne` does for each, in log order, in fewer statements.
   */
  async issueAndCharge(requests: readonly AutomaticInvoiceRequest[]): Promise<void> {
    if (requests.length === 0) return;
    if (requests.length === 1) return this.issueOne(requests[0]);
    const drafted = await this.draft(requests);
    const invoices = await this.store.readStreams<InvoiceEvent>(drafted.map(({ draft }) => invoiceStreamId(draft.invoiceId)));
    const fresh: Drafted[] = [];
    const seen = new Set<string>();
    for (const entry of drafted) {
      const { invoiceId } = entry.draft;
      // the same source twice in the run (a request sent twice): its first request counts
      if (seen.has(invoiceId)) continue;
      seen.add(invoiceId);
      if ((invoices.get(invoiceStreamId(invoiceId))?.currentVersion ?? 0) === 0) fresh.push(entry);
    }
    const started = fresh.length > 0 ? await this.issueAll(fresh) : [];
    if (started === undefined) {
      for (const { request } of fresh) await this.issueOne(request);
    } else if (started.length > 0) {
      await this.recordAll(await this.chargeAll(started));
    }
    // issued already (a replay after a crash): the one-by-one path finds what is left to do
    for (const entry of drafted) if (!fresh.includes(entry)) await this.issueOne(entry.request);
  }

  /** One request, the way it has always been done: issue, then the first automatic payment. */
  async issueOne(request: AutomaticInvoiceRequest): Promise<void> {
    const account = await this.accounts.openProvisionallyIfMissing(request.customerId, request.subsidiary, request.openedBy, request.cause);
    if (account.status === 'none') throw new Error(`customer ${request.customerId} has no account after opening one`);
    const draft = request.draftOf(billedToOf(account));
    const metadataOf = metadataFor(request);
    const issued = await this.issuing.issue(draft, metadataOf);
    await this.payments.payOnIssue(draft.invoiceId, metadataOf, { invoice: issued, account });
  }

  /**
   * The accounts of the run in one read (of what each account stream got since this process last
   * folded it); a customer without one gets his provisional account.
   */
  private async draft(requests: readonly AutomaticInvoiceRequest[]): Promise<Drafted[]> {
    const bases = this.accountStates.basesOf([...new Set(requests.map(({ customerId }) => customerAccountStreamId(customerId)))]);
    const streams = await this.store.readStreamsAfter<CustomerAccountEvent>(versionsAfter(bases));
    const accounts = new Map<string, CustomerAccountState>();
    for (const [streamId, read] of streams) accounts.set(streamId, this.accountStates.catchUp(customerAccountDecider, streamId, bases.get(streamId), read).state);
    const drafted: Drafted[] = [];
    for (const request of requests) {
      const streamId = customerAccountStreamId(request.customerId);
      let account = accounts.get(streamId) as CustomerAccountState;
      if (account.status === 'none') {
        account = await this.accounts.openProvisionallyIfMissing(request.customerId, request.subsidiary, request.openedBy, request.cause);
        accounts.set(streamId, account);
      }
      if (account.status === 'none') throw new Error(`customer ${request.customerId} has no account after opening one`);
      drafted.push({ request, account, draft: request.draftOf(billedToOf(account)) });
    }
    return drafted;
  }

  /**
   * Issues the invoices (none issued yet) in one transaction, numbered in request order within
   * each series, with the first attempt of each automatic one. Returns the attempts to charge, or
   * undefined when the transaction rolled back (the requests then go one by one).
   */
  private async issueAll(fresh: readonly Drafted[]): Promise<StartedAttempt[] | undefined> {
    const client = await this.store.pool.connect();
    let released = false;
    try {
      await client.query('BEGIN');
      const now = this.clock.now();
      const seriesOfDraft = fresh.map(({ draft }) => {
        const seller = findSubsidiary(draft.subsidiary);
        if (!seller) throw new Error(`${draft.subsidiary} is not one of our subsidiaries`);
        return { seller, series: seriesOf(seller.code, toSubsidiaryDate(now, seller), draft.customerId, this.settings.series) };
      });
      const counts = new Map<string, number>();
      for (const { series } of seriesOfDraft) counts.set(series, (counts.get(series) ?? 0) + 1);
      // every series locked before the first write, in name order (see lockSeries)
      const names = [...counts.keys()].sort();
      await lockSeries(client, names);
      const next = new Map<string, { sequence: number; issuedAt: string }>();
      for (const series of names) next.set(series, await takeNumbers(client, series, counts.get(series) as number, instantText(now)));
      const startedAt = instantText(this.clock.now());

      const appends: StreamAppend<InvoiceEvent>[] = [];
      const inFlight: Record<string, unknown>[] = [];
      const started: StartedAttempt[] = [];
      fresh.forEach((drafted, index) => {
        const { draft, account, request } = drafted;
        const { seller, series } = seriesOfDraft[index];
        const taken = next.get(series) as { sequence: number; issuedAt: string };
        next.set(series, { ...taken, sequence: taken.sequence + 1 });
        const metadataOf = metadataFor(request);
        const issueDate = toSubsidiaryDate(Temporal.Instant.from(taken.issuedAt), seller);
        const number = documentNumber(series, taken.sequence);
        const decided: NewEvent<InvoiceEvent>[] = decideInvoice(
          { type: 'IssueInvoice', data: { ...draft, number, issuedAt: taken.issuedAt, issueDate } },
          initialInvoiceState(),
        ).map((event) => ({ ...event, eventId: derivedEventId(draft.invoiceId, event.type), metadata: metadataOf(taken.issuedAt) }));
        let state = decided.reduce<InvoiceState>((current, event) => invoiceDecider.evolve(current, event as InvoiceEvent), initialInvoiceState());
        // payOnIssue's first attempt: the method the order chose, else the account's default
        if (state.status === 'unpaid' && state.attempts === 0 && state.invoice.settlement.autoPay) {
          const invoiceId = draft.invoiceId;
          const paymentMethod = chosenMethod(account, state.invoice.settlement.paymentMethodId);
          const paymentId = derivedEventId(invoiceId, 'payment-attempt-1');
          const [attempt] = decideInvoice({ type: 'StartPaymentAttempt', data: { invoiceId, attempt: 1, paymentId, paymentMethod, startedAt } }, state);
          // a fresh id, as InvoicePayments.pay gives it: a concurrent payer meets a version conflict
          decided.push({ ...attempt, eventId: newTimeOrderedId(), metadata: metadataOf(startedAt) });
          state = invoiceDecider.evolve(state, attempt);
          if (attempt.type === 'PaymentAttemptStarted') {
            const { idempotencyKey, customerId, amount, paymentMethodId } = attempt.data;
            inFlight.push({ idempotency_key: idempotencyKey, invoice_id: invoiceId, attempt: 1, customer_id: customerId, currency: amount.currency, amount: amount.value });
            const method = paymentMethodOf(account, paymentMethodId);
            started.push({
              drafted,
              started: attempt.data,
              invoice: { state, version: decided.length },
              gatewayToken: method?.gatewayToken ?? '',
              description: `Invoice ${number.number}`,
            });
          }
        }
        appends.push({ streamId: invoiceStreamId(draft.invoiceId), events: decided, expectedVersion: 'noStream' });
      });
      if (inFlight.length > 0) await runStatement(client, insertInFlightSql, [JSON.stringify(inFlight)]);
      await this.store.appendToStreamsIn(transactionQueryOf(client), appends);
      await client.query('COMMIT');
      return started;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        client.release(rollbackError);
        released = true;
      });
      this.logger.warn({ msg: 'a run of invoices could not be issued together: issuing them one by one', invoices: fresh.length, error: (error as Error).message });
      return undefined;
    } finally {
      if (!released) client.release();
    }
  }

  /** The gateway asked for each attempt, a few at once; an attempt without an answer stays in flight for the reconciler. */
  private async chargeAll(started: readonly StartedAttempt[]): Promise<Charged[]> {
    const charged: Charged[] = [];
    const queue = [...started];
    const sender = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { started: attempt, gatewayToken, description } = next;
        try {
          const charge = await this.gateway.charge({ idempotencyKey: attempt.idempotencyKey, paymentToken: gatewayToken, amount: attempt.amount, customerId: attempt.customerId, description });
          charged.push({ ...next, charge });
        } catch (error) {
          // the charge may have happened: the reconciler asks the gateway, nobody charges again
          this.logger.warn({ msg: 'payment outcome unknown: left to the reconciler', invoiceId: attempt.invoiceId, attempt: attempt.attempt, error: (error as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHARGES_AT_ONCE, queue.length) }, sender));
    return charged;
  }

  /** Every outcome in one transaction; when that fails, each is recorded on its own (which reads the invoice again). */
  private async recordAll(charged: readonly Charged[]): Promise<void> {
    if (charged.length === 0) return;
    const at = instantText(this.clock.now());
    const client = await this.store.pool.connect();
    let released = false;
    let recorded = false;
    try {
      await client.query('BEGIN');
      const appends: StreamAppend<InvoiceEvent>[] = charged.map(({ started, invoice, drafted, charge }) => {
        const { invoiceId, attempt } = started;
        const events = decideInvoice({ type: 'RecordPaymentOutcome', data: { invoiceId, attempt, outcome: outcomeOf(charge), reconciled: false, at } }, invoice.state);
        const metadataOf = metadataFor(drafted.request);
        return {
          streamId: invoiceStreamId(invoiceId),
          events: events.map((event) => ({ ...event, eventId: derivedEventId(`${invoiceId}:${attempt}`, `outcome:${event.type}`), metadata: metadataOf(at) })),
          expectedVersion: invoice.version,
        };
      });
      await runStatement(client, deleteInFlightSql, [charged.map(({ started }) => started.idempotencyKey)]);
      await this.store.appendToStreamsIn(transactionQueryOf(client), appends);
      await client.query('COMMIT');
      recorded = true;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        client.release(rollbackError);
        released = true;
      });
      this.logger.warn({ msg: 'payment outcomes could not be recorded together: recording them one by one', outcomes: charged.length, error: (error as Error).message });
    } finally {
      if (!released) client.release();
    }
    if (recorded) return;
    for (const { started, charge, drafted, invoice } of charged) {
      await this.payments.recordOutcome(started.invoiceId, started.attempt, outcomeOf(charge), false, metadataFor(drafted.request), invoice);
    }
  }
}
