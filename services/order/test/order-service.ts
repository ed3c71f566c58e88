// The order service under test: booted in-process against a fresh database and topics of its own
// (a unique KAFKA_TOPIC_PREFIX), driven over HTTP with bearer tokens; a recorder reads what it
// publishes on billing.orders.v1, and `invoicing` plays the invoicing service on billing.invoices.v1.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken, type Role } from '@billing/auth';
import { exampleEnvelopeOf, parseIntegrationEventEnvelope, topics, type EventEnvelope, type IntegrationEventEnvelope, type OrdersTopicEvent } from '@billing/contracts';
import { EventProducer } from '@billing/messaging';
import { AdjustableClock, CLOCK, createServiceApp, loadConfig, topicName } from '@billing/platform';
import { createTestDatabase, testKafka, testKafkaBrokers, waitUntil, type TestDatabase } from '@billing/testing';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { Temporal } from 'temporal-polyfill';
import { DataSource } from 'typeorm';
import { orderService } from '../src/service';

/** Catalog 2026.1 is in force: the expected prices below are that version's. */
export const testStart = Temporal.Instant.from('2026-07-01T10:00:00Z');

export type PublishedOrderEvent = OrdersTopicEvent & { eventId: string; key: string };

/** Everything the service publishes on its topic, from the beginning. */
class OrdersTopicRecorder {
  readonly events: PublishedOrderEvent[] = [];
  private consumer?: Consumer;

  constructor(private readonly topic: string) {}

  async start(): Promise<void> {
    this.consumer = testKafka('order-test-recorder').consumer({ groupId: `recorder-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const parsed = parseIntegrationEventEnvelope(JSON.parse(String(message.value)), { topic: topics.orders });
        if (!parsed.success) throw parsed.error;
        this.events.push({ ...(parsed.event as unknown as OrdersTopicEvent), eventId: parsed.event.eventId, key: String(message.key) });
      },
    });
  }

  ofOrder(orderId: string): PublishedOrderEvent[] {
    return this.events.filter((event) => event.data.orderId === orderId);
  }

  ofCustomer(customerId: string): PublishedOrderEvent[] {
    return this.events.filter((event) => event.data.customerId === customerId);
  }

  /** Waits until the order's events on the topic are exactly these types, in this order. */
  async waitForTypes(orderId: string, types: readonly string[]): Promise<PublishedOrderEvent[]> {
    await waitUntil(() => this.ofOrder(orderId).length >= types.length, {
      timeoutMs: 20_000,
      description: `${types.join(', ')} for order ${orderId} (have ${this.ofOrder(orderId).map((event) => event.type).join(', ') || 'none'})`,
    });
    const events = this.ofOrder(orderId);
    expect(events.map((event) => event.type)).toEqual(types);
    return events;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export interface HttpAnswer<Body = Record<string, unknown>> {
  status: number;
  body: Body;
}

export class OrderServiceUnderTest {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly database: TestDatabase,
    readonly ordersTopic: OrdersTopicRecorder,
    readonly invoicesTopic: string,
    private readonly producer: EventProducer,
  ) {}

  static async start(label: string): Promise<OrderServiceUnderTest> {
    const database = await createTestDatabase(`order_${label}`);
    const prefix = `test.order-${label}.${randomUUID().slice(0, 8)}`;
    const config = loadConfig(orderService.configSchema, {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: process.env.TEST_VERBOSE_ORDER ? 'info' : 'warn',
    });
    const app = await createServiceApp(orderService, config);
    (app.get(CLOCK) as AdjustableClock).set(testStart);
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const recorder = new OrdersTopicRecorder(topicName(config, topics.orders));
    await recorder.start();
    const producer = new EventProducer(testKafka('order-test-invoicing'));
    return new OrderServiceUnderTest(app, baseUrl, database, recorder, topicName(config, topics.invoices), producer);
  }

  get clock(): AdjustableClock {
    return this.app.get(CLOCK) as AdjustableClock;
  }

  async request<Body = Record<string, unknown>>(
    method: 'GET' | 'POST',
    path: string,
    options: { customerId?: string; roles?: Role[]; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer<Body>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.customerId) headers.authorization = `Bearer ${await issueDevelopmentToken(options.customerId, { roles: options.roles })}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: response.status, body: (await response.json()) as Body };
  }

  /** Plays invoicing: produces its events on the (prefixed) invoices topic. */
  async publishInvoicing(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.invoicesTopic, events);
  }

  /** What the order's stream holds and what the read model has, straight from the database. */
  async storedEventsOfCustomer(customerId: string): Promise<number> {
    const [{ count }] = await this.app.get(DataSource).query(`SELECT count(*)::int AS count FROM event_store.events WHERE metadata->>'partitionKey' = $1`, [customerId]);
    return count;
  }

  async readModelRowsOfCustomer(customerId: string): Promise<number> {
    const [{ count }] = await this.app.get(DataSource).query(`SELECT count(*)::int AS count FROM orders WHERE customer_id = $1`, [customerId]);
    return count;
  }

  /** The invoicing reaction has handled (or ignored) this event. */
  async hasReactedTo(eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.app.get(DataSource).query(`SELECT 1 FROM processed_events WHERE consumer = 'invoice-outcomes' AND event_id = $1`, [eventId]);
    return rows.length > 0;
  }

  /** Waits until the read model shows the order with this status, and these fields (the customer's own view). */
  async waitForStatus(customerId: string, orderId: string, status: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const expected = { status, ...fields };
    const answer = await waitForAnswer(
      () => this.request('GET', `/orders/${orderId}`, { customerId }),
      (candidate) => candidate.status === 200 && Object.entries(expected).every(([field, value]) => candidate.body[field] === value),
      `order ${orderId} to show ${JSON.stringify(expected)}`,
    );
    return answer.body;
  }

  async close(): Promise<void> {
    await this.ordersTopic.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.app.close();
    await this.database.drop();
  }
}

async function waitForAnswer<T>(read: () => Promise<T>, accept: (value: T) => boolean, description: string): Promise<T> {
  let last: T | undefined;
  await waitUntil(async () => accept((last = await read())), { timeoutMs: 20_000, description: `${description} (last: ${JSON.stringify(last)})` });
  return last as T;
}

export function uniqueCustomer(name: string): string {
  return `cust-${name}-${randomUUID().slice(0, 8)}`;
}

// ── invoicing's events for an order (the contracts' examples, adjusted) ──

type Money = { currency: string; value: number };

export interface PlacedOrderAnswer {
  orderId: string;
  subsidiary: string;
  currency: string;
  items: { itemId: string; planCode: string; quantity: number; unitPrice: Money; lineTotal: Money; taxRate: number; period: string }[];
  totals: { withoutTax: Money; tax: Money; withTax: Money };
}

function envelope<T extends EventEnvelope['type']>(type: T, customerId: string, data: unknown): EventEnvelope {
  const example = exampleEnvelopeOf(type as 'InvoiceIssued');
  const candidate = { ...example, eventId: randomUUID(), data, metadata: { ...example.metadata, correlationId: randomUUID(), partitionKey: customerId } };
  const parsed = parseIntegrationEventEnvelope(candidate, { topic: topics.invoices });
  if (!parsed.success) throw parsed.error;
  return candidate as IntegrationEventEnvelope;
}

export const invoicing = {
  issued(customerId: string, order: PlacedOrderAnswer, invoiceId: string, billedTo: { country: string; vatNumber?: string } = { country: 'FR' }): EventEnvelope {
    const rate = order.items[0].taxRate;
    return envelope('InvoiceIssued', customerId, {
      ...exampleEnvelopeOf('InvoiceIssued').data,
      invoiceId,
      number: `${order.subsidiary}2026-${invoiceId.slice(0, 6)}`,
      series: `${order.subsidiary}2026`,
      sequence: 1,
      customerId,
      subsidiary: order.subsidiary,
      currency: order.currency,
      category: 'purchase-web',
      source: { kind: 'order', orderId: order.orderId },
      billedTo: { name: 'Camille Martin', ...billedTo },
      lines: order.items.map((item) => ({
        description: item.planCode,
        planCode: item.planCode,
        itemId: item.itemId,
        quantity: item.quantity,
        unitPrice: item.unitPrice,
        amountWithoutTax: item.lineTotal,
        taxRate: rate,
      })),
      taxes: [{ rate, base: order.totals.withoutTax, amount: order.totals.tax }],
      totals: order.totals,
      issuedAt: '2026-07-01T10:00:01Z',
      dueDate: '2026-07-01',
    });
  },

  paid(customerId: string, order: PlacedOrderAnswer, invoiceId: string, paymentId = randomUUID(), source: unknown = { kind: 'order', orderId: order.orderId }): EventEnvelope {
    return envelope('InvoicePaid', customerId, {
      invoiceId,
      customerId,
      source,
      paymentId,
      amount: order.totals.withTax,
      paymentMethodId: 'pm_card_visa',
      paidAt: '2026-07-01T10:00:02Z',
    });
  },

  paymentFailed(customerId: string, order: PlacedOrderAnswer, invoiceId: string, attempt = 1): EventEnvelope {
    return envelope('InvoicePaymentFailed', customerId, {
      invoiceId,
      customerId,
      source: { kind: 'order', orderId: order.orderId },
      paymentId: randomUUID(),
      attempt,
      amount: order.totals.withTax,
      reason: 'insufficientFunds',
      retryable: true,
      failedAt: '2026-07-01T10:00:02Z',
    });
  },
};
