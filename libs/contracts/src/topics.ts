// The public topics: one per producing service, versioned in the name.
export const topics = {
  orders: 'billing.orders.v1',
  services: 'billing.services.v1',
  renewals: 'billing.renewals.v1',
  invoices: 'billing.invoices.v1',
} as const;

export type PublicTopic = (typeof topics)[keyof typeof topics];

export const publicTopics: readonly PublicTopic[] = Object.values(topics);

/** The service that publishes each topic; no other service ever produces to it. */
export const topicProducers = {
  'billing.orders.v1': 'order',
  'billing.services.v1': 'subscription',
  'billing.renewals.v1': 'renewal',
  'billing.invoices.v1': 'invoicing',
} as const satisfies Record<PublicTopic, string>;

export type ProducingService = (typeof topicProducers)[PublicTopic];

export const DEFAULT_PARTITIONS = 12;

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlt`;
}
