// Ends services whose scheduled end has come: a confirmed termination at the expiration or the
// engagement date, the renew mode deleteAtExpiration, a legacy contract not accepted. Due work
// is the read model's rows with a due date (partial index): each tick claims those due today in
// their subsidiary's calendar (by the service clock) with FOR UPDATE SKIP LOCKED, so replicas
// share the work, and the aggregate decides again — a stale row or a second claim ends nothing twice.
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { subsidiaryCodes } from '@billing/billing-kernel';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ServiceCommands } from '../commands/service-commands';
import { SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from '../subscription-settings';

const CLAIM_BATCH = 200;

@Injectable()
export class TerminationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TerminationScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly services: ServiceCommands,
    @Inject(SUBSCRIPTION_SETTINGS) private readonly settings: SubscriptionSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined, (error: Error) => this.logger.error({ msg: 'termination run failed', err: error }))
        .finally(() => this.schedule());
    }, this.settings.terminationSchedulerIntervalMs);
  }

  /** Ends what is due now; returns how many services it terminated. */
  async runOnce(): Promise<number> {
    let terminated = 0;
    for (;;) {
      const claimed = await this.dataSource.transaction(async (manager) => {
        const todays = subsidiaryCodes.map((code) => [code, this.services.todayIn(code)]);
        // $3, the latest of the subsidiaries' todays, bounds the index scan: without it the planner
        // walks every row with a due date, the future ones too, to find the few due now, and each
        // tick costs more as scheduled terminations pile up
        const latestToday = todays.map(([, today]) => today).reduce((latest, today) => (today > latest ? today : latest));
        const rows: { service_id: string; customer_id: string }[] = await manager.query(
          `SELECT s.service_id, s.customer_id
             FROM services s
             JOIN (SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(subsidiary text, today date)) AS t ON t.subsidiary = s.subsidiary
            WHERE s.termination_due_date IS NOT NULL AND s.termination_due_date <= $3::date AND s.termination_due_date <= t.today
            ORDER BY s.termination_due_date
            LIMIT $2
              FOR UPDATE OF s SKIP LOCKED`,
          [JSON.stringify(todays.map(([subsidiary, today]) => ({ subsidiary, today }))), CLAIM_BATCH, latestToday],
        );
        let ended = 0;
        for (const row of rows) if (await this.services.terminateIfDue(row.customer_id, row.service_id)) ended++;
        return { rows: rows.length, ended };
      });
      terminated += claimed.ended;
      // a full batch that ended nothing is the read model lagging: try again next tick
      if (claimed.rows < CLAIM_BATCH || claimed.ended === 0 || this.stopped) return terminated;
    }
  }
}
