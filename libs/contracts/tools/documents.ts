// Builds the generated contract documents from the zod schemas, in memory and deterministically
// (fixed order, no timestamps): the AsyncAPI document and one JSON Schema per event version.
// generate.ts writes them; generated.unit.spec.ts checks the committed copies against them.
import { z } from 'zod';
import {
  contractSchemaRegistry,
  DEFAULT_PARTITIONS,
  eventEnvelopeSchema,
  eventHeadersOf,
  eventHeadersSchema,
  exampleEnvelopeOf,
  integrationEventList,
  integrationEventsOf,
  schemaId,
  topicProducers,
  topics,
  type IntegrationEventDefinition,
} from '../src';

type JsonObject = { [key: string]: unknown };

/** Generated file contents by path relative to `libs/contracts/generated/`. */
export type ContractDocuments = Record<string, string>;

export const asyncApiFile = 'asyncapi.json';
export const schemaFileOf = (definition: { type: string; schemaVersion: number }) =>
  `schemas/${schemaId(definition)}.json`;

const kafkaBindingVersion = '0.5.0';

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** zod writes a registered schema's `id` into its definition; JSON Schema has no such keyword. */
function withoutRegistryIds(definitions: unknown): Record<string, JsonObject> {
  const result: Record<string, JsonObject> = {};
  for (const [name, schema] of Object.entries((definitions ?? {}) as Record<string, JsonObject>)) {
    const { id: _id, ...rest } = schema;
    result[name] = rest;
  }
  return result;
}

/** Rewrites every `$ref` of a schema (deeply) with `rewrite`. */
function rewriteRefs(value: unknown, rewrite: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, rewrite));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, nested]) => [
      key,
      key === '$ref' && typeof nested === 'string' ? rewrite(nested) : rewriteRefs(nested, rewrite),
    ]),
  );
}

function envelopeOf(definition: IntegrationEventDefinition) {
  return eventEnvelopeSchema(definition.type, definition.schemaVersion, definition.schema);
}

/** The JSON Schema (2020-12) of one event version's message value: envelope and data. */
export function eventJsonSchema(definition: IntegrationEventDefinition): JsonObject {
  const { $schema, $defs, ...envelope } = z.toJSONSchema(envelopeOf(definition), {
    metadata: contractSchemaRegistry,
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  });
  return {
    $schema,
    title: `${definition.type} v${definition.schemaVersion}`,
    description: `${definition.description} Published by ${definition.producer} on ${definition.topic}.`,
    ...envelope,
    $defs: withoutRegistryIds($defs),
  };
}

function draft7(schema: z.ZodType): { root: JsonObject; definitions: Record<string, JsonObject> } {
  const { $schema: _schema, definitions, ...root } = z.toJSONSchema(schema, {
    metadata: contractSchemaRegistry,
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'throw',
  });
  const toComponents = (ref: string) => ref.replace(/^#\/definitions\//, '#/components/schemas/');
  const rewritten = Object.fromEntries(
    Object.entries(withoutRegistryIds(definitions)).map(([name, definition]) => [
      name,
      rewriteRefs(definition, toComponents) as JsonObject,
    ]),
  );
  return { root: rewriteRefs(root, toComponents) as JsonObject, definitions: rewritten };
}

/** The AsyncAPI 3.0.0 document: one channel per topic, one message per event version. */
export function asyncApiDocument(): JsonObject {
  const schemas: Record<string, JsonObject> = {};
  const share = (definitions: Record<string, JsonObject>) => {
    for (const [name, definition] of Object.entries(definitions)) {
      if (schemas[name] !== undefined && toJson(schemas[name]) !== toJson(definition)) {
        throw new Error(`two different schemas are registered as ${name}`);
      }
      schemas[name] = definition;
    }
  };

  const messages: Record<string, JsonObject> = {};
  for (const definition of integrationEventList) {
    const payload = draft7(envelopeOf(definition));
    const headers = draft7(eventHeadersSchema(definition.type, definition.schemaVersion));
    share(payload.definitions);
    share(headers.definitions);
    const example = exampleEnvelopeOf(definition.type);
    messages[schemaId(definition)] = {
      name: definition.type,
      title: `${definition.type} v${definition.schemaVersion}`,
      summary: definition.description,
      contentType: 'application/json',
      correlationId: { location: '$message.header#/correlation-id' },
      headers: headers.root,
      payload: payload.root,
      bindings: {
        kafka: {
          key: {
            $ref: '#/components/schemas/CustomerId',
          },
          bindingVersion: kafkaBindingVersion,
        },
      },
      examples: [{ name: definition.type, headers: eventHeadersOf(example), payload: example }],
    };
  }

  const channels: Record<string, JsonObject> = {};
  const operations: Record<string, JsonObject> = {};
  for (const [channelId, topic] of Object.entries(topics)) {
    const producer = topicProducers[topic];
    const events = integrationEventsOf(topic);
    channels[channelId] = {
      address: topic,
      title: topic,
      description: `Integration events published by the ${producer} service, keyed by customerId. Dead letters go to ${topic}.dlt.`,
      messages: Object.fromEntries(
        events.map((definition) => [
          definition.type,
          { $ref: `#/components/messages/${schemaId(definition)}` },
        ]),
      ),
      bindings: { kafka: { topic, partitions: DEFAULT_PARTITIONS, bindingVersion: kafkaBindingVersion } },
    };
    const operationId = `send${producer[0].toUpperCase()}${producer.slice(1)}Events`;
    operations[operationId] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelId}` },
      title: `${producer} publishes ${topic}`,
      summary: `The ${producer} service relays its events from its event store (outbox) to ${topic}.`,
      messages: events.map((definition) => ({ $ref: `#/channels/${channelId}/messages/${definition.type}` })),
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Billing platform integration events',
      version: '1.0.0',
      description:
        'The public events of the order, subscription, renewal and invoicing services. Generated from libs/contracts (zod); do not edit. A `.v1` event only ever gains optional fields.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: Object.fromEntries(Object.keys(schemas).sort().map((name) => [name, schemas[name]])),
      messages,
    },
  };
}

/** Every generated file, by path under `libs/contracts/generated/`, in a fixed order. */
export function generateContractDocuments(): ContractDocuments {
  const documents: ContractDocuments = { [asyncApiFile]: toJson(asyncApiDocument()) };
  for (const definition of integrationEventList) {
    documents[schemaFileOf(definition)] = toJson(eventJsonSchema(definition));
  }
  return documents;
}
