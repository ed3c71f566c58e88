// How an integration event is declared: its type, version, topic and the zod schema of its data.
import type { z } from 'zod';
import { topicProducers, type ProducingService, type PublicTopic } from './topics';
import { contractSchemaRegistry } from './vocabulary';

/** Every event's data names its customer: the partition key of the message. */
export type CustomerScopedData = { customerId: string };

export interface IntegrationEventDefinition<
  Type extends string = string,
  Version extends number = number,
  Topic extends PublicTopic = PublicTopic,
  Schema extends z.ZodType<CustomerScopedData> = z.ZodType<CustomerScopedData>,
> {
  /** Past tense, context-qualified, stable: the name consumers switch on (`InvoiceIssued`). */
  readonly type: Type;
  readonly schemaVersion: Version;
  readonly topic: Topic;
  /** The service that publishes it (the owner of the topic). */
  readonly producer: ProducingService;
  /** What happened, and what it means to the services that consume it. */
  readonly description: string;
  /** The schema of the envelope's `data`. */
  readonly schema: Schema;
}

/** The id of an event version's data schema in the generated documents: `OrderPlaced.v1`. */
export function schemaId(definition: { type: string; schemaVersion: number }): string {
  return `${definition.type}.v${definition.schemaVersion}`;
}

export function defineEvent<
  const Type extends string,
  const Version extends number,
  const Topic extends PublicTopic,
  Schema extends z.ZodType<CustomerScopedData>,
>(definition: {
  type: Type;
  schemaVersion: Version;
  topic: Topic;
  description: string;
  schema: Schema;
}): IntegrationEventDefinition<Type, Version, Topic, Schema> {
  contractSchemaRegistry.add(definition.schema, {
    id: schemaId(definition),
    title: definition.type,
    description: definition.description,
  });
  return { ...definition, producer: topicProducers[definition.topic] };
}
