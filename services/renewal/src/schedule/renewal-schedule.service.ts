// Keeps the renewal schedule in step with what subscription and invoicing publish: a service
// activated gets its next term scheduled; a change of renew mode, period, plan or pending
// termination reschedules its open term; invoicing's outcomes move the term's stream (paid →
// RenewalSucceeded and the next term scheduled; failed → dunning). Rows and the term's stream
// (step-derived event ids) are written on the caller's transaction: they commit together.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Temporal } from 'temporal-polyfill';
import type { EventEnvelope, InvoicePaymentFailureReason } from '@billing/contracts';
import type { PostgresEventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import type { RenewalPolicy } from '../domain/renewal-plan';
import type { TermIdentity } from '../domain/renewal-term';
import type { RenewalTermCommand } from '../domain/renewal-term.decide';
import { RENEWAL_POLICY } from '../renewal-policy';
import {
  expirationsOf,
  insertService,
  insertTerm,
  insertTerms,
  lockOpenTermsOfService,
  lockService,
  lockServicesOfTerms,
  lockTerm,
  lockTerms,
  renewDayOf,
  saveService,
  saveServices,
  saveTerms,
  type ServiceRow,
  type Sql,
  type TermRow,
} from './schedule-rows';
import { decideInTurn, RenewalTermStreams } from './renewal-term-streams';
import { newTermRow, rescheduledTerm, subsidiaryToday, type TermScheduleInputs } from './term-schedule';

export type PaymentFailure = Readonly<{ invoiceId: string; attempt: number; reason: InvoicePaymentFailureReason; retryable: boolean; failedAt: string }>;

/** What invoicing said of a term's invoice, with the event that said it. */
export type InvoiceOutcome = Readonly<{ renewalTermId: string; cause: EventEnvelope }> &
  (
    | Readonly<{ type: 'issued'; invoiceId: string; issuedAt: string }>
    | Readonly<{ type: 'paid'; invoiceId: string }>
    | Readonly<{ type: 'failed'; failure: PaymentFailure }>
  );

@Injectable()
export class RenewalSchedule {
  private readonly logger = new Logger(RenewalSchedule.name);
  readonly streams: RenewalTermStreams;

  constructor(
    @Inject(EVENT_STORE) store: PostgresEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RENEWAL_POLICY) private readonly policy: RenewalPolicy,
  ) {
    this.streams = new RenewalTermStreams(store);
  }

  /** Instants as events carry them: UTC, milliseconds. */
  now(): string {
    return instantText(this.clock.now());
  }

  private async inputsFor(sql: Sql, service: ServiceRow): Promise<TermScheduleInputs> {
    return this.inputsOf(service, await renewDayOf(sql, service.customerId));
  }

  /** What scheduling the service's terms needs, its renew day known. */
  private inputsOf(service: ServiceRow, renewDay: TermScheduleInputs['renewDay']): TermScheduleInputs {
    return { service, renewDay, policy: this.policy, today: subsidiaryToday(this.clock.now(), service.subsidiary) };
  }

  // ── subscription's facts ──

  /** A service activated or imported: its first renewal term is scheduled. Repeats change nothing. */
  async serviceStarted(sql: Sql, service: ServiceRow): Promise<void> {
    const at = this.now();
    if (!(await insertService(sql, service, at))) return;
    await insertTerm(sql, newTermRow(service.expirationDate, await this.inputsFor(sql, service)), at);
  }

  /**
   * Applies a change of the service (renew mode, period, plan and price, pending termination,
   * contract accepted) and reschedules its open terms: their dates, amount and next step follow.
   */
  async serviceChanged(sql: Sql, serviceId: string, change: (service: ServiceRow) => ServiceRow, cause: EventEnvelope): Promise<void> {
    const current = await lockService(sql, serviceId);
    if (!current) return this.ignore(cause, 'unknown service');
    const service = change(current);
    const at = this.now();
    await saveService(sql, service, at);
    const inputs = await this.inputsFor(sql, service);
    await saveTerms(sql, (await lockOpenTermsOfService(sql, serviceId)).map((term) => rescheduledTerm(term, inputs)), at);
  }

  /**
   * Subscription moved the expiration. Our own renewals moved it already (nothing to do); any
   * other move schedules the term of the new expiration and drops the open one not invoiced yet.
   */
  async expirationExtended(sql: Sql, serviceId: string, expirationDate: string, cause: EventEnvelope): Promise<void> {
    const service = await lockService(sql, serviceId);
    if (!service) return this.ignore(cause, 'unknown service');
    if (service.expirationDate >= expirationDate) return;
    const moved: ServiceRow = { ...service, expirationDate };
    const at = this.now();
    await saveService(sql, moved, at);
    const inputs = await this.inputsFor(sql, moved);
    const replaced = (await lockOpenTermsOfService(sql, serviceId)).filter((term) => term.termStart < expirationDate && (term.status === 'scheduled' || term.status === 'reminded'));
    await this.closeTerms(sql, replaced, inputs, 'expirationMoved', cause);
    await insertTerm(sql, newTermRow(expirationDate, inputs), at);
  }

  /**
   * The services whose stored expiration is at or past the date each event extends it to: their
   * events change nothing (our own renewals, most of the time), found in one read for a run.
   */
  async expirationsReached(sql: Sql, extensions: readonly Readonly<{ serviceId: string; expirationDate: string }>[]): Promise<Set<string>> {
    const stored = await expirationsOf(sql, [...new Set(extensions.map(({ serviceId }) => serviceId.toLowerCase()))]);
    const reached = new Set<string>();
    for (const { serviceId, expirationDate } of extensions) {
      const expiration = stored.get(serviceId.toLowerCase());
      if (expiration !== undefined && expiration >= expirationDate) reached.add(serviceId);
    }
    return reached;
  }

  /** The service ended: whatever term was still open is cancelled. */
  async serviceTerminated(sql: Sql, serviceId: string, cause: EventEnvelope): Promise<void> {
    const service = await lockService(sql, serviceId);
    if (!service) return this.ignore(cause, 'unknown service');
    const terminated: ServiceRow = { ...service, state: 'terminated' };
    await saveService(sql, terminated, this.now());
    await this.closeTerms(sql, await lockOpenTermsOfService(sql, serviceId), await this.inputsFor(sql, terminated), 'serviceTerminated', cause);
  }

  private async closeTerms(sql: Sql, terms: readonly TermRow[], inputs: TermScheduleInputs, reason: 'serviceTerminated' | 'expirationMoved', cause: EventEnvelope): Promise<void> {
    const at = this.now();
    const closed: TermRow[] = [];
    for (const term of terms) {
      const identity: TermIdentity = { renewalTermId: term.renewalTermId, serviceId: term.serviceId, customerId: term.customerId, expirationDate: term.termStart };
      const { state } = await this.streams.execute(
        term.renewalTermId,
        term.customerId,
        (current) => decideInTurn(current, [{ type: 'CancelRenewalTerm', data: { ...identity, reason, cancelledAt: at } }]),
        at,
        cause,
        sql,
      );
      closed.push(rescheduledTerm(term, inputs, state));
    }
    await saveTerms(sql, closed, at);
  }

  // ── invoicing's outcomes for renewal invoices ──

  /**
   * Invoicing's outcomes of a run, each applied to its term in turn (a term's issue and payment
   * often come in the same run), in a handful of statements for the whole run: the services, then
   * the terms locked (service first, as every writer of a term does; each in id order), the term
   * streams read, and what the run decided written at the end — the terms' events in one append,
   * their rows, the renewed services and their next terms in one statement each.
   */
  async invoiceOutcomes(sql: Sql, outcomes: readonly InvoiceOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    // the rows' ids as PostgreSQL writes a uuid (lower case), whatever case the events carry
    const termIdOf = (outcome: InvoiceOutcome) => outcome.renewalTermId.toLowerCase();
    const termIds = [...new Set(outcomes.map(termIdOf))];
    const services = await lockServicesOfTerms(sql, termIds);
    const terms = await lockTerms(sql, termIds.filter((id) => services.has(id)));
    const streams = await this.streams.loadIn(sql, [...terms.keys()]);
    const savedTerms = new Map<string, TermRow>();
    const renewedServices = new Map<string, ServiceRow>();
    const nextTerms: TermRow[] = [];
    for (const outcome of outcomes) {
      const locked = services.get(termIdOf(outcome));
      const term = terms.get(termIdOf(outcome));
      if (!locked || !term) {
        this.ignore(outcome.cause, 'unknown renewal term');
        continue;
      }
      // the service as the run's earlier payments left it
      const service = renewedServices.get(locked.service.serviceId) ?? locked.service;
      const state = this.streams.decideIn(streams, term.renewalTermId, term.customerId, (current) => decideInTurn(current, [this.commandOf(outcome, term)]), this.now(), outcome.cause);
      const inputs = this.inputsOf(service, locked.renewDay);
      const saved = rescheduledTerm(term, inputs, state);
      terms.set(term.renewalTermId, saved);
      savedTerms.set(term.renewalTermId, saved);
      if (outcome.type !== 'paid') continue;
      if (state.status !== 'renewed') {
        // a payment after termination (or for a cancelled term) renews nothing: invoicing refunds it
        this.logger.warn({ msg: 'renewal invoice paid for a term that can no longer renew', renewalTermId: term.renewalTermId, status: state.status, invoiceId: outcome.invoiceId });
        continue;
      }
      if (service.state !== 'active' || service.expirationDate >= state.newExpirationDate) continue;
      const renewed: ServiceRow = { ...service, expirationDate: state.newExpirationDate };
      renewedServices.set(renewed.serviceId, renewed);
      nextTerms.push(newTermRow(renewed.expirationDate, { ...inputs, service: renewed }));
    }
    const at = this.now();
    await this.streams.appendIn(sql, streams);
    await saveTerms(sql, [...savedTerms.values()], at);
    await saveServices(sql, [...renewedServices.values()], at);
    await insertTerms(sql, nextTerms, at);
  }

  private commandOf(outcome: InvoiceOutcome, term: TermRow): RenewalTermCommand {
    switch (outcome.type) {
      case 'issued':
        return { type: 'RecordRenewalInvoiceIssued', data: { invoiceId: outcome.invoiceId, issuedAt: outcome.issuedAt } };
      case 'paid':
        return { type: 'RecordRenewalPayment', data: { invoiceId: outcome.invoiceId, newExpirationDate: term.termEnd, succeededAt: this.now() } };
      case 'failed':
        return {
          type: 'RecordRenewalPaymentFailure',
          data: {
            ...outcome.failure,
            failedOn: subsidiaryToday(Temporal.Instant.from(outcome.failure.failedAt), term.subsidiary),
            dunningRetryDays: this.policy.dunningRetryDays,
          },
        };
    }
  }

  // ── the account's renew day ──

  /** The renew day changed: the customer's terms not invoiced yet move their invoice date. */
  async rescheduleCustomer(sql: Sql, customerId: string): Promise<void> {
    const pending = await sql<{ renewalTermId: string; serviceId: string }>(
      `SELECT renewal_term_id AS "renewalTermId", service_id AS "serviceId"
         FROM renewal_terms WHERE customer_id = $1 AND status IN ('scheduled', 'reminded')
        ORDER BY service_id`,
      [customerId],
    );
    const at = this.now();
    for (const { renewalTermId, serviceId } of pending) {
      const service = await lockService(sql, serviceId);
      const term = await lockTerm(sql, renewalTermId);
      if (!service || !term || (term.status !== 'scheduled' && term.status !== 'reminded')) continue;
      await saveTerms(sql, [rescheduledTerm(term, await this.inputsFor(sql, service))], at);
    }
  }

  private ignore(cause: EventEnvelope, why: string): void {
    this.logger.warn({ msg: `ignored ${cause.type}: ${why}`, eventId: cause.eventId });
  }
}
