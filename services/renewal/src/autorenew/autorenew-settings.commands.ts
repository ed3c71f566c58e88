// Changes the account's renewal settings: the AutorenewSettingsChanged event, the settings row and
// the new invoice dates of the customer's terms not invoiced yet commit in one transaction.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { foldEvents, newTimeOrderedId, WrongExpectedVersionError, type PostgresEventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import { DataSource } from 'typeorm';
import {
  autorenewSettingsDecider,
  autorenewSettingsStreamId,
  type AutorenewSettingsChangedEvent,
  type AutorenewSettingsState,
} from '../domain/autorenew-settings';
import { RenewalSchedule } from '../schedule/renewal-schedule.service';
import { AutorenewSettingsRecord } from '../schedule/schedule-records';
import { sqlOfClient } from '../schedule/schedule-rows';

export type AutorenewSettings = Readonly<{ active: boolean; renewDay: number | null }>;

const MAX_ATTEMPTS = 3;

@Injectable()
export class AutorenewSettingsCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly schedule: RenewalSchedule,
    private readonly dataSource: DataSource,
  ) {}

  /** The account's settings; an account that never set them has no renew day. */
  async of(customerId: string): Promise<AutorenewSettings> {
    const record = await this.dataSource.getRepository(AutorenewSettingsRecord).findOneBy({ customerId });
    return record ? { active: record.active, renewDay: record.renewDay } : { active: false, renewDay: null };
  }

  async change(customerId: string, settings: { active: boolean; renewDay: number }): Promise<AutorenewSettings> {
    const streamId = autorenewSettingsStreamId(customerId);
    for (let attempt = 1; ; attempt++) {
      const { events, currentVersion } = await this.store.readStream<AutorenewSettingsChangedEvent>(streamId);
      const state: AutorenewSettingsState = foldEvents(autorenewSettingsDecider, events.map(({ type, data }) => ({ type, data }) as AutorenewSettingsChangedEvent));
      const changedAt = instantText(this.clock.now());
      const decided = autorenewSettingsDecider.decide({ type: 'ChangeAutorenewSettings', data: { customerId, ...settings, changedAt } }, state);
      const changes = Array.isArray(decided) ? decided : [decided];
      if (changes.length === 0) return settings;
      try {
        await this.store.appendWithinTransaction(streamId, { expectedVersion: currentVersion === 0 ? 'noStream' : currentVersion }, async (client) => {
          const sql = sqlOfClient(client);
          await sql(
            `INSERT INTO autorenew_settings (customer_id, active, renew_day, changed_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (customer_id) DO UPDATE SET active = excluded.active, renew_day = excluded.renew_day, changed_at = excluded.changed_at`,
            [customerId, settings.active, settings.renewDay, changedAt],
          );
          await this.schedule.rescheduleCustomer(sql, customerId);
          const metadata = { correlationId: randomUUID(), occurredAt: changedAt, partitionKey: customerId };
          return changes.map((event) => ({ ...event, eventId: newTimeOrderedId(), metadata }));
        });
        return settings;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
