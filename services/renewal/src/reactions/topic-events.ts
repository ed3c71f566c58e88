// The events of billing.services.v1 and billing.invoices.v1 as the renewal service decodes them
// (the contracts' schemas). Every type of each topic is listed, so the ones renewal ignores are
// skipped, not dead-lettered.
import { integrationEventsOf, topics, type IntegrationEventEnvelope, type PublicTopic, type TopicEventType } from '@billing/contracts';
import { EventRegistry, type EventDefinition } from '@billing/messaging';

export type ServicesTopicEnvelope = IntegrationEventEnvelope<TopicEventType<typeof topics.services>>;
export type InvoicesTopicEnvelope = IntegrationEventEnvelope<TopicEventType<typeof topics.invoices>>;

function registryOf<Envelope>(topic: PublicTopic): EventRegistry<Envelope & IntegrationEventEnvelope> {
  const definitions: EventDefinition[] = integrationEventsOf(topic).map(({ type, schemaVersion, schema }) => ({ type, schemaVersion, schema }) as EventDefinition);
  return EventRegistry.of(...definitions) as unknown as EventRegistry<Envelope & IntegrationEventEnvelope>;
}

export const servicesTopicEvents = registryOf<ServicesTopicEnvelope>(topics.services);
export const invoicesTopicEvents = registryOf<InvoicesTopicEnvelope>(topics.invoices);
