// The renewal scheduler's figures on the service's Prometheus registry: runs, terms claimed,
// steps performed, invoices requested, run duration, and the due backlog (measured at scrape).
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, METRICS_REGISTRY, type Clock } from '@billing/platform';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { countDueTerms, sqlOf } from '../schedule/schedule-rows';

@Injectable()
export class RenewalMetrics {
  private readonly runs: Counter;
  private readonly claimed: Counter;
  private readonly steps: Counter<'event'>;
  private readonly invoicesRequested: Counter;
  private readonly failures: Counter;
  private readonly runDuration: Histogram;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, dataSource: DataSource, @Inject(CLOCK) clock: Clock) {
    const registers = [registry];
    this.runs = new Counter({ name: 'renewal_scheduler_runs_total', help: 'Scheduler runs of this process (loop and on demand)', registers });
    this.claimed = new Counter({ name: 'renewal_scheduler_claimed_terms_total', help: 'Due renewal terms claimed by this process', registers });
    this.steps = new Counter({ name: 'renewal_steps_total', help: 'Renewal term events appended by the scheduler, per event type', labelNames: ['event'], registers });
    this.invoicesRequested = new Counter({ name: 'renewal_invoices_requested_total', help: 'RenewalInvoiceRequested appended by this process', registers });
    this.failures = new Counter({ name: 'renewal_step_failures_total', help: 'Claimed terms whose step failed (retried later)', registers });
    this.runDuration = new Histogram({
      name: 'renewal_scheduler_run_duration_seconds',
      help: 'Duration of a scheduler run, from the first claim to the last commit',
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    new Gauge({
      name: 'renewal_due_backlog',
      help: 'Renewal terms with a step due now and not yet claimed',
      registers,
      async collect() {
        if (!dataSource.isInitialized) return;
        this.set(await countDueTerms(sqlOf(dataSource.manager), clock.now().toString()));
      },
    });
  }

  runFinished(seconds: number, claimed: number, failed: number): void {
    this.runs.inc();
    this.runDuration.observe(seconds);
    this.claimed.inc(claimed);
    this.failures.inc(failed);
  }

  appended(eventTypes: readonly string[]): void {
    for (const event of eventTypes) {
      this.steps.inc({ event });
      if (event === 'RenewalInvoiceRequested') this.invoicesRequested.inc();
    }
  }
}
