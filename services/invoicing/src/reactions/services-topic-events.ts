// The events of billing.services.v1 as invoicing decodes them: every type the contracts list for
// the topic, so the many that invoicing ignores are skipped, not dead-lettered, and a type added
// to the contracts is known here without a change.
import { integrationEventsOf, topics, type IntegrationEventEnvelope, type TopicEventType } from '@billing/contracts';
import { EventRegistry, type EventDefinition } from '@billing/messaging';

export type ServicesTopicEnvelope = IntegrationEventEnvelope<TopicEventType<typeof topics.services>>;

const definitions = integrationEventsOf(topics.services).map(({ type, schemaVersion, schema }) => ({ type, schemaVersion, schema }) as EventDefinition);

export const servicesTopicEvents = EventRegistry.of(...definitions) as unknown as EventRegistry<ServicesTopicEnvelope>;
