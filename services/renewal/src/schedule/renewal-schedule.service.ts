// Keeps the renewal schedule in step with what subscription and invoicing publish: a service
// activated gets its next term scheduled; a change of renew mode, period, plan or pending
// termination reschedules its open term; invoicing's outcomes move the term's stream (paid →
// RenewalSucceeded and the next term scheduled; failed → dunning). Rows and the term's stream
// (step-derived event ids) are written on the caller's transaction: they commit together.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Temporal } from 'temporal-polyfill';
import type { EventEnvelope, InvoicePaymentFailureReason } from '@billing/contracts';
import type { PostgresEventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, type Clock } from '@billing/platform';
import type { RenewalPolicy } from '../domain/renewal-plan';
import type { RenewalTermState, TermIdentity } from '../domain/renewal-term';
import { RENEWAL_POLICY } from '../renewal-policy';
import {
  insertService,
  insertTerm,
  lockOpenTermsOfService,
  lockService,
  lockServiceOfTerm,
  lockTerm,
  renewDayOf,
  saveService,
  saveTerms,
  type ServiceRow,
  type Sql,
  type TermRow,
} from './schedule-rows';
import { decideInTurn, RenewalTermStreams } from './renewal-term-streams';
import { newTermRow, renewalTermIdOf, rescheduledTerm, subsidiaryToday, type TermScheduleInputs } from './term-schedule';

export type PaymentFailure = Readonly<{ invoiceId: string; attempt: number; reason: InvoicePaymentFailureReason; retryable: boolean; failedAt: string }>;

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
    return this.clock.now().toString({ fractionalSecondDigits: 3 });
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

  async invoiceIssued(sql: Sql, renewalTermId: string, invoiceId: string, issuedAt: string, cause: EventEnvelope): Promise<void> {
    await this.onTerm(sql, renewalTermId, cause, (state) => decideInTurn(state, [{ type: 'RecordRenewalInvoiceIssued', data: { invoiceId, issuedAt } }]));
  }

  /** Paid at any point before termination: renewed on the term's own dates, next term scheduled. */
  async invoicePaid(sql: Sql, renewalTermId: string, invoiceId: string, cause: EventEnvelope): Promise<void> {
    const succeededAt = this.now();
    const outcome = await this.onTerm(sql, renewalTermId, cause, (state, term) =>
      decideInTurn(state, [{ type: 'RecordRenewalPayment', data: { invoiceId, newExpirationDate: term.termEnd, succeededAt } }]),
    );
    if (!outcome) return;
    const { state, service, inputs } = outcome;
    if (state.status !== 'renewed') {
      // a payment after termination (or for a cancelled term) renews nothing: invoicing refunds it
      this.logger.warn({ msg: 'renewal invoice paid for a term that can no longer renew', renewalTermId, status: state.status, invoiceId });
      return;
    }
    if (service.state !== 'active' || service.expirationDate >= state.newExpirationDate) return;
    const renewed: ServiceRow = { ...service, expirationDate: state.newExpirationDate };
    const at = this.now();
    await saveService(sql, renewed, at);
    await insertTerm(sql, newTermRow(renewed.expirationDate, { ...inputs, service: renewed }), at);
  }

  async paymentFailed(sql: Sql, renewalTermId: string, failure: PaymentFailure, cause: EventEnvelope): Promise<void> {
    await this.onTerm(sql, renewalTermId, cause, (state, term) =>
      decideInTurn(state, [
        {
          type: 'RecordRenewalPaymentFailure',
          data: { ...failure, failedOn: subsidiaryToday(Temporal.Instant.from(failure.failedAt), term.subsidiary), dunningRetryDays: this.policy.dunningRetryDays },
        },
      ]),
    );
  }

  /**
   * Locks the term (its service first), runs the decision on its stream and writes the row back
   * from the resulting state; undefined when the term is not one of ours.
   */
  private async onTerm(
    sql: Sql,
    renewalTermId: string,
    cause: EventEnvelope,
    decision: (state: RenewalTermState, term: TermRow) => ReturnType<typeof decideInTurn>,
  ): Promise<{ state: RenewalTermState; term: TermRow; service: ServiceRow; inputs: TermScheduleInputs } | undefined> {
    const locked = await lockServiceOfTerm(sql, renewalTermId);
    const term = locked ? await lockTerm(sql, renewalTermId) : undefined;
    if (!locked || !term) {
      this.ignore(cause, 'unknown renewal term');
      return undefined;
    }
    const { service, renewDay } = locked;
    const { state } = await this.streams.execute(renewalTermId, term.customerId, (current) => decision(current, term), this.now(), cause, sql);
    const inputs = this.inputsOf(service, renewDay);
    const saved = rescheduledTerm(term, inputs, state);
    await saveTerms(sql, [saved], this.now());
    return { state, term: saved, service, inputs };
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

  /** For tests and tools: the id the schedule gives the term renewing `expirationDate`. */
  static termIdOf(serviceId: string, expirationDate: string): string {
    return renewalTermIdOf(serviceId, expirationDate);
  }
}
