// Projects AutorenewSettingsChanged (billing.renewals.v1) into the customer's renew settings.
// An upsert of absolute values, so a repeat is harmless; a customer's events are in order on
// one partition, and an older change never overwrites a newer one.
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedEvent, Projection } from '@billing/messaging';
import type { EntityManager } from 'typeorm';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopics } from '../../subscription-topics';
import { renewalsTopicEvents, type RenewalsTopicEnvelope } from '../../topic-events/renewals-topic-events';

@Injectable()
export class AutorenewSettingsProjection implements Projection<RenewalsTopicEnvelope> {
  readonly name = 'autorenew-settings';
  readonly events = renewalsTopicEvents;
  readonly handles: RenewalsTopicEnvelope['type'][] = ['AutorenewSettingsChanged'];
  readonly readModelTables = ['autorenew_settings'];
  readonly deduplicateByEventId = false;
  readonly topics: readonly string[];

  constructor(@Inject(SUBSCRIPTION_TOPICS) topics: SubscriptionTopics) {
    this.topics = [topics.renewals];
  }

  async project(events: readonly ConsumedEvent<RenewalsTopicEnvelope>[], manager: EntityManager): Promise<void> {
    for (const event of events) {
      if (event.type !== 'AutorenewSettingsChanged') continue;
      const { customerId, active, renewDay, changedAt } = event.data;
      await manager.query(
        `INSERT INTO autorenew_settings (customer_id, active, renew_day, changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id) DO UPDATE SET active = EXCLUDED.active, renew_day = EXCLUDED.renew_day, changed_at = EXCLUDED.changed_at
         WHERE autorenew_settings.changed_at <= EXCLUDED.changed_at`,
        [customerId, active, renewDay, changedAt],
      );
    }
  }
}
