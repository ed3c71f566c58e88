// Settles the payment attempts whose outcome never came back (a lost response, a timeout, a
// process killed between the start and the record): at boot and then periodically, it asks the
// gateway what became of each attempt's idempotency key. It never charges twice: an attempt the
// gateway never received is sent again with the same key (PAYMENT_RESENDS times at most), which
// the gateway charges once however many requests arrive. Replicas may run it side by side: a send
// again is claimed on the in-flight row, and recording an outcome twice records it once. Refunds
// owed whose answer never came back are asked again with their key, which the gateway honours once.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE } from '@billing/platform';
import type { PostgresEventStore } from '@billing/eventsourcing';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { eventMetadata } from './event-metadata';
import { InvoicePayments } from './invoice-payments';
import { InvoiceRefunds } from './invoice-refunds';

interface StaleAttempt {
  idempotency_key: string;
  invoice_id: string;
  attempt: number;
  customer_id: string;
  resends: number;
}

/** Attempts in flight for longer than the timeout (the database's clock: the test clock may jump). */
const staleAttemptsSql = `
  SELECT idempotency_key, invoice_id, attempt, customer_id, resends
    FROM payment_attempts_in_flight
   WHERE started_at < now() - make_interval(secs => $1::double precision / 1000)
   ORDER BY started_at
   LIMIT 100`;

/**
 * Claims one send again of an attempt, as read: another replica's claim (or a settled attempt)
 * matches no row. The attempt's clock restarts, so that the send has its timeout like the first.
 */
const claimResendSql = `
  UPDATE payment_attempts_in_flight
     SET resends = resends + 1, started_at = now()
   WHERE idempotency_key = $1 AND resends = $2`;

/** Refunds owed for longer than the timeout: the gateway is asked again with the same key. */
const staleRefundsSql = `
  SELECT DISTINCT invoice_id, customer_id
    FROM refunds_in_flight
   WHERE started_at < now() - make_interval(secs => $1::double precision / 1000)
   LIMIT 100`;

@Injectable()
export class PaymentReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentReconciler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(INVOICING_SETTINGS) private readonly settings: InvoicingSettings,
    private readonly payments: InvoicePayments,
    private readonly refunds: InvoiceRefunds,
  ) {}

  onApplicationBootstrap(): void {
    // at boot: the attempts a previous process left without an outcome (not awaited: boot goes on)
    void this.reconcileOnce();
    this.timer = setInterval(() => void this.reconcileOnce(), this.settings.reconciliationIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Settles the stale attempts found now; returns how many were settled. One run at a time. */
  reconcileOnce(): Promise<number> {
    this.running ??= Promise.all([this.settleStaleAttempts(), this.settleStaleRefunds()])
      .then(([attempts, refunds]) => attempts + refunds)
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async settleStaleAttempts(): Promise<number> {
    let settled = 0;
    let stale: StaleAttempt[];
    try {
      ({ rows: stale } = await this.store.pool.query<StaleAttempt>(staleAttemptsSql, [this.settings.paymentOutcomeTimeoutMs]));
    } catch (error) {
      this.logger.warn({ msg: 'payment reconciliation could not read the attempts in flight', error: (error as Error).message });
      return 0;
    }
    for (const attempt of stale) {
      try {
        const mayResend = () => this.claimResend(attempt);
        await this.payments.reconcile(attempt.invoice_id, attempt.attempt, attempt.idempotency_key, (at) => eventMetadata(attempt.customer_id, at), mayResend);
        settled++;
        this.logger.log({ msg: 'payment attempt reconciled with the gateway', invoiceId: attempt.invoice_id, attempt: attempt.attempt });
      } catch (error) {
        // the gateway or the database may be away: the next run tries again
        this.logger.warn({ msg: 'payment attempt not reconciled yet', invoiceId: attempt.invoice_id, attempt: attempt.attempt, error: (error as Error).message });
      }
    }
    return settled;
  }

  /**
   * One more send of an attempt the gateway never received: false once they are used up; throws
   * when another replica claimed it first (it is sending it: this run leaves the attempt alone).
   */
  private async claimResend(attempt: StaleAttempt): Promise<boolean> {
    if (attempt.resends >= this.settings.paymentResends) return false;
    const { rowCount } = await this.store.pool.query(claimResendSql, [attempt.idempotency_key, attempt.resends]);
    if (rowCount !== 1) throw new Error('another run is settling this attempt');
    return true;
  }

  private async settleStaleRefunds(): Promise<number> {
    let stale: { invoice_id: string; customer_id: string }[];
    try {
      ({ rows: stale } = await this.store.pool.query<{ invoice_id: string; customer_id: string }>(staleRefundsSql, [this.settings.paymentOutcomeTimeoutMs]));
    } catch (error) {
      this.logger.warn({ msg: 'refund reconciliation could not read the refunds in flight', error: (error as Error).message });
      return 0;
    }
    let settled = 0;
    for (const owed of stale) {
      try {
        await this.refunds.refundOwed(owed.invoice_id, (at) => eventMetadata(owed.customer_id, at));
        settled++;
      } catch (error) {
        this.logger.warn({ msg: 'refund not reconciled yet', invoiceId: owed.invoice_id, error: (error as Error).message });
      }
    }
    return settled;
  }
}
