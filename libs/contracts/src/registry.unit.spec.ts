// The registry as consumers use it: look an event up by type, parse data or a whole message into a
// typed event, and get the failing fields when it is invalid.
import { eventHeaders, eventHeadersOf, eventHeadersSchema } from './envelope';
import { exampleEnvelopeOf, integrationEventExamples } from './examples';
import {
  integrationEventList,
  integrationEvents,
  integrationEventsOf,
  IntegrationEventValidationError,
  isIntegrationEventType,
  parseIntegrationEvent,
  parseIntegrationEventEnvelope,
  partitionKeyOf,
  topicOf,
  type IntegrationEvent,
  type OrdersTopicEvent,
  type RenewalsTopicEvent,
} from './registry';
import { publicTopics, topicProducers, topics } from './topics';

describe('the registry', () => {
  it('lists each type once, on one of the four public topics, published by that topic’s service', () => {
    const types = integrationEventList.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    for (const definition of integrationEventList) {
      expect(publicTopics).toContain(definition.topic);
      expect(definition.producer).toBe(topicProducers[definition.topic]);
      expect(integrationEvents[definition.type]).toBe(definition);
      expect(definition.schemaVersion).toBe(1);
      expect(definition.description.length).toBeGreaterThan(20);
    }
    expect(publicTopics.map((topic) => integrationEventsOf(topic).length)).toEqual([6, 14, 9, 6]);
  });

  it('names events as past-tense, context-qualified facts', () => {
    for (const { type } of integrationEventList) {
      expect(type).toMatch(/^(Order|Service|Renewal|Autorenew|CustomerAccount|Invoice|CreditNote)[A-Za-z]*(ed|Paid|Unpaid|Sent|Withdrawn)$/);
    }
  });

  it('has the events of the one-click flow on the topics DESIGN.md puts them on', () => {
    expect(topicOf('OrderPlaced')).toBe(topics.orders);
    expect(topicOf('OrderDelivered')).toBe(topics.orders);
    expect(topicOf('ServiceActivated')).toBe(topics.services);
    expect(topicOf('RenewalInvoiceRequested')).toBe(topics.renewals);
    expect(topicOf('RenewalSucceeded')).toBe(topics.renewals);
    expect(topicOf('InvoicePaid')).toBe(topics.invoices);
    expect(topicOf('InvoicePaymentFailed')).toBe(topics.invoices);
  });

  it('has an example per type, keyed by its customer (the partition key)', () => {
    expect(Object.keys(integrationEventExamples).sort()).toEqual(integrationEventList.map((d) => d.type).sort());
    for (const { type } of integrationEventList) {
      const envelope = exampleEnvelopeOf(type);
      expect(partitionKeyOf(envelope)).toBe('cust-4815162342');
      expect(envelope.metadata.partitionKey).toBe(partitionKeyOf(envelope));
    }
  });

  it('tells known types from unknown ones', () => {
    expect(isIntegrationEventType('InvoiceIssued')).toBe(true);
    expect(isIntegrationEventType('InvoiceCreated')).toBe(false);
    expect(isIntegrationEventType('toString')).toBe(false);
  });
});

describe('parseIntegrationEvent', () => {
  it('returns the typed event, narrowed by its type', () => {
    const result = parseIntegrationEvent('OrderPlaced', 1, integrationEventExamples.OrderPlaced);
    if (!result.success) throw result.error;
    // typed: OrderPlaced's fields without a cast
    expect(result.event.data.items[0].unitPrice).toEqual({ currency: 'EUR', value: 8388 });
    expect(result.event).toEqual({ type: 'OrderPlaced', schemaVersion: 1, data: integrationEventExamples.OrderPlaced });
  });

  it('parses a type only known at run time into the union, to switch on', () => {
    const type = 'RenewalSucceeded' as string;
    const result = parseIntegrationEvent(type, 1, integrationEventExamples.RenewalSucceeded);
    if (!result.success) throw result.error;
    const describe = (event: IntegrationEvent): string => {
      switch (event.type) {
        case 'RenewalSucceeded':
          return `${event.data.serviceId} until ${event.data.newExpirationDate}`;
        default:
          return event.type;
      }
    };
    expect(describe(result.event)).toBe('5d8b1f3a-7c9e-4b2d-8f6a-3c5e7a9b1d2f until 2027-03-14');
  });

  it('lists every failing field with its path', () => {
    const data = structuredClone(integrationEventExamples.OrderPlaced) as Record<string, unknown> & {
      items: { unitPrice: { value: number } }[];
    };
    data.items[0].unitPrice.value = 83.88;
    delete data.customerId;
    data.placedAt = '2025-03-14';

    const result = parseIntegrationEvent('OrderPlaced', 1, data);

    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(IntegrationEventValidationError);
    expect(result.error.reason).toBe('INVALID_DATA');
    expect(result.error.fields.map((field) => field.path).sort()).toEqual([
      'customerId',
      'items[0].unitPrice.value',
      'placedAt',
    ]);
    expect(result.error.message).toContain('items[0].unitPrice.value');
  });

  it('rejects an unknown type and an unknown version, saying which', () => {
    const unknownType = parseIntegrationEvent('OrderShipped', 1, {});
    const unknownVersion = parseIntegrationEvent('OrderPlaced', 2, integrationEventExamples.OrderPlaced);
    expect(!unknownType.success && unknownType.error.reason).toBe('UNKNOWN_EVENT_TYPE');
    expect(!unknownVersion.success && unknownVersion.error.reason).toBe('UNSUPPORTED_SCHEMA_VERSION');
    expect(!unknownVersion.success && unknownVersion.error.message).toBe('OrderPlaced has no schema version 2 (known: 1)');
  });
});

describe('parseIntegrationEventEnvelope', () => {
  it('parses a message value into a typed envelope, dropping unknown fields at every level', () => {
    const envelope = exampleEnvelopeOf('InvoicePaid');
    const fromTheWire = JSON.parse(
      JSON.stringify({ ...envelope, addedLater: 1, metadata: { ...envelope.metadata, addedLater: 2 } }),
    );

    const result = parseIntegrationEventEnvelope(fromTheWire, { topic: topics.invoices });

    if (!result.success) throw result.error;
    expect(result.event).toEqual(envelope);
  });

  it('rejects an event read from another topic than its own', () => {
    const result = parseIntegrationEventEnvelope(exampleEnvelopeOf('InvoicePaid'), { topic: topics.orders });
    expect(!result.success && result.error.reason).toBe('WRONG_TOPIC');
  });

  it("rejects a partition key that is not the event's customer (it would break per-customer order)", () => {
    const envelope = exampleEnvelopeOf('ServiceActivated');
    const result = parseIntegrationEventEnvelope({ ...envelope, metadata: { ...envelope.metadata, partitionKey: 'someone-else' } });
    expect(!result.success && result.error.reason).toBe('INVALID_ENVELOPE');
    expect(!result.success && result.error.fields.map((field) => field.path)).toEqual(['metadata.partitionKey']);
  });

  it('rejects a broken envelope, and prefixes data errors with `data.`', () => {
    const envelope = exampleEnvelopeOf('RenewalInvoiceRequested');
    const noEventId = parseIntegrationEventEnvelope({ ...envelope, eventId: 'not-a-uuid' });
    const badData = parseIntegrationEventEnvelope({ ...envelope, data: { ...envelope.data, billingDate: '2026-02-30' } });
    expect(!noEventId.success && noEventId.error.reason).toBe('INVALID_ENVELOPE');
    expect(!noEventId.success && noEventId.error.fields.map((field) => field.path)).toEqual(['eventId']);
    expect(!badData.success && badData.error.fields.map((field) => field.path)).toEqual(['data.billingDate']);
    expect(parseIntegrationEventEnvelope('{}').success).toBe(false);
  });
});

describe('Kafka headers', () => {
  it('carry the type, version, ids and trace context of the envelope', () => {
    const envelope = exampleEnvelopeOf('OrderDelivered');
    const headers = eventHeadersOf({
      ...envelope,
      metadata: { ...envelope.metadata, causationId: 'c1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(headers).toEqual({
      [eventHeaders.eventType]: 'OrderDelivered',
      [eventHeaders.schemaVersion]: '1',
      [eventHeaders.eventId]: envelope.eventId,
      [eventHeaders.correlationId]: envelope.metadata.correlationId,
      [eventHeaders.causationId]: 'c1',
      [eventHeaders.traceparent]: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(eventHeadersSchema('OrderDelivered', 1).safeParse(headers).success).toBe(true);
    expect(eventHeadersSchema('OrderPlaced', 1).safeParse(headers).success).toBe(false);
  });
});

// Compile-time checks: the per-topic unions hold exactly their topic's events.
type Assert<T extends true> = T;
type Equals<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type _OrdersTopic = Assert<
  Equals<OrdersTopicEvent['type'], 'OrderPlaced' | 'OrderNotPaid' | 'OrderPaid' | 'OrderDelivered' | 'OrderCancelled' | 'OrderWithdrawn'>
>;
export type _RenewalsTopicHasNoInvoice = Assert<Equals<Extract<RenewalsTopicEvent['type'], `Invoice${string}`>, never>>;
