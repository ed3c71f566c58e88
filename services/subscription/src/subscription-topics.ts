// The topics the subscription service publishes to and reads from, under the configured prefix.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { topics } from '@billing/contracts';
import { topicName } from '@billing/platform';
import type { SubscriptionConfig } from './config';

export const SUBSCRIPTION_TOPICS = Symbol('SUBSCRIPTION_TOPICS');

export interface SubscriptionTopics {
  /** billing.services.v1: published by the outbox relay, projected into the services read model */
  services: string;
  /** billing.orders.v1: delivered orders become services; withdrawals end them */
  orders: string;
  /** billing.renewals.v1: renewal outcomes and the account's renew day */
  renewals: string;
}

export function subscriptionTopicsOf(config: Pick<SubscriptionConfig, 'KAFKA_TOPIC_PREFIX'>): SubscriptionTopics {
  return { services: topicName(config, topics.services), orders: topicName(config, topics.orders), renewals: topicName(config, topics.renewals) };
}

/** The (prefixed) topic names, for the projections and the reactions. */
@Global()
@Module({})
export class SubscriptionTopicsModule {
  static forRoot(config: SubscriptionConfig): DynamicModule {
    return { module: SubscriptionTopicsModule, providers: [{ provide: SUBSCRIPTION_TOPICS, useValue: subscriptionTopicsOf(config) }], exports: [SUBSCRIPTION_TOPICS] };
  }
}
