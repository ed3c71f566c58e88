// The topics the order service publishes to and reads from, under the configured prefix.
import { topics } from '@billing/contracts';
import { topicName } from '@billing/platform';
import type { OrderConfig } from './config';

export const ORDER_TOPICS = Symbol('ORDER_TOPICS');

export interface OrderTopics {
  /** billing.orders.v1: published by the outbox relay, projected into the orders read model */
  orders: string;
  /** billing.invoices.v1: invoicing's outcomes for our orders */
  invoices: string;
}

export function orderTopicsOf(config: Pick<OrderConfig, 'KAFKA_TOPIC_PREFIX'>): OrderTopics {
  return { orders: topicName(config, topics.orders), invoices: topicName(config, topics.invoices) };
}
