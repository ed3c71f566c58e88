// The durable, replica-safe renewal scheduler. Due work is rows of renewal_terms (next_due_at,
// partial index). A run claims a batch of due terms with SELECT … FOR UPDATE SKIP LOCKED (earliest
// first, LIMIT n) in one transaction, steps each term (its due steps decided by the RenewalTerm
// decider and appended to the term's stream), writes each term's next step and due time, and
// commits, the terms' events with them (one append for the batch). Replicas skip each other's
// locked rows; a replica that dies releases its claim with its connection, its events with it,
// and the next claim decides again (and a step found in the stream is not decided twice: event
// ids derive from the term and the step): one RenewalInvoiceRequested per term. A customer's
// automatic terms billed the same day share one invoice (invoice-groups.ts): a claim takes them
// together, even past its batch size, and their requests, appended in the same statement, say so.
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Money } from '@billing/billing-kernel';
import type { RenewalInvoiceRequested } from '@billing/contracts';
import { isLostAppendRace, PostgresEventStore } from '@billing/eventsourcing';
import { CLOCK, instantText, postgresSsl, type Clock } from '@billing/platform';
import { Pool } from 'pg';
import { Temporal } from 'temporal-polyfill';
import { reminderWording, type RenewalPolicy, type TermStep } from '../domain/renewal-plan';
import { invoiceGroupsOf, MAX_TERMS_PER_INVOICE, type InvoiceGrouping } from '../domain/invoice-groups';
import { isUnpaid, type RenewalTermEvent, type RenewalTermState, type TermIdentity } from '../domain/renewal-term';
import { decide, type RenewalTermCommand } from '../domain/renewal-term.decide';
import { evolve } from '../domain/renewal-term';
import { RenewalMetrics } from '../metrics/renewal-metrics';
import { RENEWAL_POLICY, SCHEDULER_SETTINGS, type SchedulerSettings } from '../renewal-policy';
import { RenewalTermStreams } from '../schedule/renewal-term-streams';
import { claimDueTerms, peekDueTerms, saveTerms, sqlOfClient, type ClaimedTerm, type Sql, type TermRow } from '../schedule/schedule-rows';
import { dueInstantOf, notRenewedReasonOf, renewalAmountOf, renewalOf, rescheduledTerm, subsidiaryToday, termEndOf, type TermScheduleInputs } from '../schedule/term-schedule';

/** What a run did (or, dry, would do). */
export interface RenewalRunReport {
  dryRun: boolean;
  /** the clock's time the run acted at */
  at: string;
  claimed: number;
  /** terms whose invoice was requested (RenewalInvoiceRequested): a customer's grouped terms share one invoice */
  invoicesRequested: number;
  /** events appended (or that would be), per type */
  events: Record<string, number>;
  failed: number;
  durationMs: number;
  /** the first terms stepped, with their events */
  terms: { renewalTermId: string; serviceId: string; customerId: string; events: string[] }[];
}

const REPORTED_TERMS = 100;
const DRY_RUN_LIMIT = 1_000;
/**
 * A term whose step threw (a lost connection, a pool exhausted, a version race lost three times)
 * is tried again this much later, clock time: soon, because such failures pass, and the claim
 * batch moves on to other terms meanwhile.
 */
const FAILED_STEP_DELAY = Temporal.Duration.from({ seconds: 30 });
/** A term whose plan asks for a step its state refuses is looked at again this much later: that needs a fix, not a retry loop. */
const REFUSED_STEP_DELAY = Temporal.Duration.from({ hours: 1 });
/** More steps than a term has: a guard against a plan and a state that disagree. */
const MAX_STEPS_PER_TERM = 16;

type SteppedTerm = { row: TermRow; events: readonly RenewalTermEvent[]; failed: boolean };
/** A term's due steps decided on a state: where they leave it, and their events. */
type DueSteps = { state: RenewalTermState; events: RenewalTermEvent[] };

async function inTurns<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

@Injectable()
export class RenewalScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RenewalScheduler.name);
  /** Its own pool: reactions waiting on a claimed row can never starve the claim's appends. */
  private readonly pool: Pool;
  private readonly streams: RenewalTermStreams;
  private queue: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(SCHEDULER_SETTINGS) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RENEWAL_POLICY) private readonly policy: RenewalPolicy,
    private readonly metrics: RenewalMetrics,
  ) {
    this.pool = new Pool({
      connectionString: settings.databaseUrl,
      max: settings.concurrency + 1,
      application_name: 'renewal-scheduler',
      ssl: postgresSsl(),
      connectionTimeoutMillis: 5_000,
      idle_in_transaction_session_timeout: 60_000,
    });
    this.pool.on('error', (error) => this.logger.warn({ msg: 'scheduler pool connection lost', error: error.message }));
    this.streams = new RenewalTermStreams(new PostgresEventStore(this.pool));
  }

  onApplicationBootstrap(): void {
    this.scheduleNextRun();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.queue.catch(() => undefined);
    await this.pool.end();
  }

  /** Runs now (after any run of this process in progress); dry: what would be done, nothing claimed. */
  run({ dryRun = false }: { dryRun?: boolean } = {}): Promise<RenewalRunReport> {
    const run = this.queue.then(() => (dryRun ? this.dryRun() : this.claimUntilDrained()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private scheduleNextRun(): void {
    if (this.stopped || this.settings.intervalMs === 0) return;
    this.timer = setTimeout(() => {
      this.run()
        .catch((error: Error) => this.logger.error({ msg: 'renewal run failed', error: error.message }))
        .finally(() => this.scheduleNextRun());
    }, this.settings.intervalMs);
  }

  private newReport(dryRun: boolean, now: Temporal.Instant): RenewalRunReport {
    return { dryRun, at: instantText(now), claimed: 0, invoicesRequested: 0, events: {}, failed: 0, durationMs: 0, terms: [] };
  }

  private record(report: RenewalRunReport, claimed: ClaimedTerm, stepped: SteppedTerm): void {
    report.claimed++;
    if (stepped.failed) report.failed++;
    for (const event of stepped.events) {
      report.events[event.type] = (report.events[event.type] ?? 0) + 1;
      if (event.type === 'RenewalInvoiceRequested') report.invoicesRequested++;
    }
    if (report.terms.length < REPORTED_TERMS && stepped.events.length > 0) {
      const { renewalTermId, serviceId, customerId } = claimed.term;
      report.terms.push({ renewalTermId, serviceId, customerId, events: stepped.events.map((event) => event.type) });
    }
  }

  private async claimUntilDrained(): Promise<RenewalRunReport> {
    const started = performance.now();
    const now = this.clock.now();
    const report = this.newReport(false, now);
    for (;;) {
      const claimed = await this.runBatch(now, report);
      if (claimed < this.settings.batchSize || this.stopped) break;
    }
    report.durationMs = Math.round(performance.now() - started);
    this.metrics.runFinished(report.durationMs / 1000, report.claimed, report.failed);
    if (report.claimed > 0) this.logger.log({ msg: 'renewal run', claimed: report.claimed, invoicesRequested: report.invoicesRequested, durationMs: report.durationMs });
    return report;
  }

  /**
   * One claim transaction: lock due rows, step their terms, write their next steps, commit. The
   * terms are stepped together (one read of their streams, one append in the claim's transaction);
   * when that append fails (a stream moved: a step appended by a claim that died before its
   * commit, say), the claim rolls back and is made again with each term stepped on its own.
   */
  private async runBatch(now: Temporal.Instant, report: RenewalRunReport): Promise<number> {
    try {
      return await this.claimAndStep(now, report, true);
    } catch (error) {
      if (!isLostAppendRace(error)) throw error;
      this.logger.warn({ msg: 'renewal terms could not be stepped together: stepping them one by one', error: (error as Error).message });
      return this.claimAndStep(now, report, false);
    }
  }

  private async claimAndStep(now: Temporal.Instant, report: RenewalRunReport, together: boolean): Promise<number> {
    const client = await this.pool.connect();
    const sql = sqlOfClient(client);
    try {
      await client.query('BEGIN');
      const claimed = await claimDueTerms(sql, now.toString(), this.settings.batchSize, MAX_TERMS_PER_INVOICE);
      const stepped = together ? await this.stepAll(sql, claimed, now) : await inTurns(claimed, this.settings.concurrency, (term) => this.step(term, now));
      await saveTerms(sql, stepped.map(({ row }) => row), instantText(now));
      await client.query('COMMIT');
      claimed.forEach((term, index) => this.record(report, term, stepped[index]));
      this.metrics.appended(stepped.flatMap(({ events }) => events.map((event) => event.type)));
      return claimed.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async dryRun(): Promise<RenewalRunReport> {
    const started = performance.now();
    const now = this.clock.now();
    const report = this.newReport(true, now);
    const client = await this.pool.connect();
    try {
      for (const claimed of await peekDueTerms(sqlOfClient(client), now.toString(), DRY_RUN_LIMIT)) {
        const { state } = await this.streams.load(claimed.term.renewalTermId);
        const { events } = this.dueSteps(state, claimed, now, instantText(now));
        this.record(report, claimed, { row: claimed.term, events, failed: false });
      }
    } finally {
      client.release();
    }
    report.durationMs = Math.round(performance.now() - started);
    return report;
  }

  private inputsOf({ service, renewDay }: ClaimedTerm, now: Temporal.Instant): TermScheduleInputs {
    return { service, ...(renewDay !== undefined ? { renewDay } : {}), policy: this.policy, today: subsidiaryToday(now, service.subsidiary) };
  }

  /**
   * Steps the claimed terms together: their streams read in one statement of the claim's
   * transaction, each term's due steps decided, and all their events appended in one statement of
   * it, so they commit with the rows. A term whose decision throws fails alone.
   */
  private async stepAll(sql: Sql, claimed: readonly ClaimedTerm[], now: Temporal.Instant): Promise<SteppedTerm[]> {
    // due-ness is judged at the run's instant; the facts carry the time they are decided at
    const at = instantText(this.clock.now());
    const streams = await this.streams.loadIn(sql, claimed.map(({ term }) => term.renewalTermId));
    // each term's due steps decided once on its state as read (pure); a term whose decision
    // throws is decided again below, where it fails alone and is logged
    const decided = new Map<string, DueSteps>();
    for (const entry of claimed) {
      const read = streams.get(entry.term.renewalTermId);
      if (!read) continue;
      try {
        decided.set(entry.term.renewalTermId, this.dueSteps(read.state, entry, now, at));
      } catch {
        // see above
      }
    }
    const groups = this.invoiceGroups(decided);
    const stepped = claimed.map((entry): SteppedTerm => {
      const { term } = entry;
      try {
        let appended: readonly RenewalTermEvent[] = [];
        const state = this.streams.decideIn(streams, term.renewalTermId, term.customerId, (current) => {
          // only a term whose invoice request joins a group is decided again, with its grouping
          const grouping = groups.get(term.renewalTermId);
          const steps = (grouping === undefined && decided.get(term.renewalTermId)) || this.dueSteps(current, entry, now, at, grouping);
          appended = steps.events;
          return steps;
        }, at);
        return this.steppedOf(entry, now, state, appended);
      } catch (error) {
        return this.failedStep(entry, now, error);
      }
    });
    await this.streams.appendIn(sql, streams);
    return stepped;
  }

  /**
   * The claim's automatic renewals that share an invoice (a customer's of one day), from the
   * invoice requests its terms' due steps make. The terms stepped one by one (the fallback) are
   * not grouped: each is billed on its own.
   */
  private invoiceGroups(decided: ReadonlyMap<string, DueSteps>): Map<string, InvoiceGrouping> {
    const requests: RenewalInvoiceRequested[] = [];
    for (const { events } of decided.values()) for (const event of events) if (event.type === 'RenewalInvoiceRequested') requests.push(event.data);
    return invoiceGroupsOf(requests);
  }

  /** Steps one claimed term: appends its due steps' events, returns its row as it must be saved. */
  private async step(claimed: ClaimedTerm, now: Temporal.Instant): Promise<SteppedTerm> {
    const { term } = claimed;
    try {
      // due-ness is judged at the run's instant; the facts carry the time they are decided at
      const at = instantText(this.clock.now());
      const outcome = await this.streams.execute(term.renewalTermId, term.customerId, (state) => this.dueSteps(state, claimed, now, at), at);
      return this.steppedOf(claimed, now, outcome.state, outcome.appended);
    } catch (error) {
      return this.failedStep(claimed, now, error);
    }
  }

  /** The term's row as it must be saved after its steps. */
  private steppedOf(claimed: ClaimedTerm, now: Temporal.Instant, state: RenewalTermState, appended: readonly RenewalTermEvent[]): SteppedTerm {
    const { term } = claimed;
    const row = rescheduledTerm(term, this.inputsOf(claimed, now), state);
    if (row.nextDueAt !== null && Temporal.Instant.compare(dueInstantOf(row.nextDueAt), now) <= 0) {
      // the plan asks for a step the term refuses: keep the row, look again later
      this.logger.error({ msg: 'renewal term has a due step it does not take', renewalTermId: term.renewalTermId, step: row.nextStep, status: row.status });
      return { row: { ...row, nextDueAt: now.add(REFUSED_STEP_DELAY).toString() }, events: appended, failed: true };
    }
    return { row, events: appended, failed: false };
  }

  private failedStep({ term }: ClaimedTerm, now: Temporal.Instant, error: unknown): SteppedTerm {
    this.logger.error({ msg: 'renewal step failed', renewalTermId: term.renewalTermId, step: term.nextStep, error: (error as Error).message });
    return { row: { ...term, nextDueAt: now.add(FAILED_STEP_DELAY).toString() }, events: [], failed: true };
  }

  /** Every step of the term due by `now`, in order, each decided on the state the previous left. */
  private dueSteps(state: RenewalTermState, claimed: ClaimedTerm, now: Temporal.Instant, at: string, grouping?: InvoiceGrouping): DueSteps {
    const inputs = this.inputsOf(claimed, now);
    const events: RenewalTermEvent[] = [];
    let current = state;
    for (let steps = 0; steps < MAX_STEPS_PER_TERM; steps++) {
      const planned = rescheduledTerm(claimed.term, inputs, current);
      if (planned.nextStep === null || planned.nextDueAt === null) break;
      if (Temporal.Instant.compare(dueInstantOf(planned.nextDueAt), now) > 0) break;
      const decided = decide(this.commandFor(planned.nextStep, planned, current, claimed, at, grouping), current);
      if (decided.length === 0) break;
      for (const event of decided) {
        events.push(event);
        current = evolve(current, event);
      }
    }
    return { state: current, events };
  }

  private commandFor(step: TermStep, term: TermRow, state: RenewalTermState, { service }: ClaimedTerm, at: string, grouping?: InvoiceGrouping): RenewalTermCommand {
    const identity: TermIdentity = { renewalTermId: term.renewalTermId, serviceId: term.serviceId, customerId: term.customerId, expirationDate: term.termStart };
    const { expirationDate: _expirationDate, ...key } = identity;
    switch (step) {
      case 'reminder40':
      case 'reminder15': {
        const daysBeforeExpiration = step === 'reminder40' ? 40 : 15;
        const amount: Money = renewalAmountOf(service, term.termStart);
        const priceChanged = amount.value !== service.price;
        return {
          type: 'SendRenewalReminder',
          data: {
            ...key,
            daysBeforeExpiration,
            ...reminderWording(renewalOf(service), priceChanged, daysBeforeExpiration),
            planCode: service.planCode,
            period: service.period,
            expirationDate: term.termStart,
            amount,
            priceChanged,
            sentAt: at,
          },
        };
      }
      case 'invoice':
        return {
          type: 'RequestRenewalInvoice',
          data: {
            ...key,
            subsidiary: service.subsidiary,
            universe: service.universe,
            category: 'autorenew',
            planCode: service.planCode,
            period: service.period,
            amount: renewalAmountOf(service, term.termStart),
            termStartDate: term.termStart,
            termEndDate: termEndOf(service.anchorDate, service.period, term.termStart),
            billingDate: term.invoiceOn ?? term.termStart,
            autoPay: service.renewMode === 'automatic',
            ...grouping,
            requestedAt: at,
          },
        };
      case 'paymentRetry':
        return { type: 'AskForPaymentRetry', data: { attempt: isUnpaid(state) ? (state.billing.nextRetry?.attempt ?? 0) : 0, scheduledAt: at } };
      case 'lapse':
        return { type: 'LapseRenewal', data: { suspensionDate: term.deadlineOn, terminationDate: term.terminationOn, lapsedAt: at } };
      case 'paymentDeadline':
        return { type: 'PassPaymentDeadline', data: { terminationDate: term.terminationOn, passedAt: at } };
      case 'gracePeriodEnd':
        return { type: 'EndGracePeriod', data: { endedAt: at } };
      case 'expiration':
        return { type: 'ExpireUnrenewedTerm', data: { ...identity, reason: notRenewedReasonOf(service, term.termStart) ?? 'deleteAtExpiration', expiredAt: at } };
    }
  }
}
