// The subscription service under test: booted in-process against a fresh database and topics of
// its own (a unique KAFKA_TOPIC_PREFIX), driven over HTTP with bearer tokens. A recorder reads
// what it publishes on billing.services.v1; the suite plays order and renewal by producing their
// events (the contracts' examples, adjusted) on the prefixed orders and renewals topics.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken, type Role } from '@billing/auth';
import {
  exampleEnvelopeOf,
  parseIntegrationEventEnvelope,
  topics,
  type EventEnvelope,
  type IntegrationEventData,
  type IntegrationEventType,
  type ServicesTopicEvent,
} from '@billing/contracts';
import { EventProducer } from '@billing/messaging';
import { AdjustableClock, CLOCK, createServiceApp, loadConfig, topicName } from '@billing/platform';
import { createTestDatabase, testKafka, testKafkaBrokers, waitUntil, type TestDatabase } from '@billing/testing';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { Temporal } from 'temporal-polyfill';
import { DataSource } from 'typeorm';
import { subscriptionService } from '../src/service';

export type PublishedServiceEvent = ServicesTopicEvent & { eventId: string; key: string; raw: Record<string, unknown> };

/** Everything the service publishes on its topic, from the beginning. */
class ServicesTopicRecorder {
  readonly events: PublishedServiceEvent[] = [];
  private consumer?: Consumer;

  constructor(private readonly topic: string) {}

  async start(): Promise<void> {
    this.consumer = testKafka('subscription-test-recorder').consumer({ groupId: `recorder-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const raw = JSON.parse(String(message.value)) as { data: Record<string, unknown> };
        const parsed = parseIntegrationEventEnvelope(raw, { topic: topics.services });
        if (!parsed.success) throw parsed.error;
        this.events.push({ ...(parsed.event as unknown as ServicesTopicEvent), eventId: parsed.event.eventId, key: String(message.key), raw: raw.data });
      },
    });
  }

  ofService(serviceId: string): PublishedServiceEvent[] {
    return this.events.filter((event) => event.data.serviceId === serviceId);
  }

  ofCustomer(customerId: string): PublishedServiceEvent[] {
    return this.events.filter((event) => event.data.customerId === customerId);
  }

  /** Waits until the service's events on the topic are exactly these types, in this order. */
  async waitForTypes(serviceId: string, types: readonly string[]): Promise<PublishedServiceEvent[]> {
    await waitUntil(() => this.ofService(serviceId).length >= types.length, {
      timeoutMs: 20_000,
      description: `${types.join(', ')} for service ${serviceId} (have ${this.ofService(serviceId).map((event) => event.type).join(', ') || 'none'})`,
    });
    const events = this.ofService(serviceId);
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

export interface RequestOptions {
  customerId?: string;
  roles?: Role[];
  body?: unknown;
  /** sent as is, with this content type (the import's CSV and JSON lines) */
  rawBody?: { contentType: string; text: string };
}

/** The service view of the API, as the tests read it. */
export interface ServiceAnswer {
  serviceId: string;
  planCode: string;
  universe: string;
  subsidiary: string;
  status: string;
  billing: {
    expirationDate: string;
    nextBillingDate: string | null;
    renew: { mode: string; period: string; possibleModes: string[]; possiblePeriods: string[] };
    lifecycle: { state: string; pendingActions: string[] };
    engagement: { engagedUpTo: string; endRule: string } | null;
    price: { currency: string; value: number };
    contract: { legacy: boolean };
  };
}

export class SubscriptionServiceUnderTest {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly database: TestDatabase,
    readonly servicesTopic: ServicesTopicRecorder,
    private readonly topicOf: (topic: string) => string,
    private readonly producer: EventProducer,
  ) {}

  /** Boots the service on a fresh database and topic prefix. */
  static async start(label: string, startAt: Temporal.Instant, env: Record<string, string> = {}): Promise<SubscriptionServiceUnderTest> {
    return SubscriptionServiceUnderTest.boot(label, startAt, env);
  }

  private static async boot(label: string, startAt: Temporal.Instant, env: Record<string, string>): Promise<SubscriptionServiceUnderTest> {
    const database = await createTestDatabase(`subscription_${label}`);
    const prefix = `test.subscription-${label}.${randomUUID().slice(0, 8)}`;
    const config = loadConfig(subscriptionService.configSchema, {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: process.env.TEST_VERBOSE_SUBSCRIPTION ? 'info' : 'warn',
      TERMINATION_SCHEDULER_INTERVAL_MS: '200',
      ...env,
    });
    let app: INestApplication | undefined;
    const recorder = new ServicesTopicRecorder(topicName(config, topics.services));
    try {
      app = await createServiceApp(subscriptionService, config);
      (app.get(CLOCK) as AdjustableClock).set(startAt);
      await app.listen(0, '127.0.0.1');
      const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      await recorder.start();
      const producer = new EventProducer(testKafka('subscription-test-players'));
      return new SubscriptionServiceUnderTest(app, baseUrl, database, recorder, (topic) => topicName(config, topic), producer);
    } catch (error) {
      // a half-booted service keeps consumers and pools running: the run would never end
      await recorder.stop().catch(() => undefined);
      await app?.close().catch(() => undefined);
      await database.drop().catch(() => undefined);
      throw error;
    }
  }

  get clock(): AdjustableClock {
    return this.app.get(CLOCK) as AdjustableClock;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  async request<Body = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT', path: string, options: RequestOptions = {}): Promise<HttpAnswer<Body>> {
    const headers: Record<string, string> = {};
    if (options.customerId) headers.authorization = `Bearer ${await issueDevelopmentToken(options.customerId, { roles: options.roles })}`;
    let body: string | undefined;
    if (options.rawBody) {
      headers['content-type'] = options.rawBody.contentType;
      body = options.rawBody.text;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
  }

  /** The customer's view of a service, once the read model shows what `accept` wants. */
  async waitForService(customerId: string, serviceId: string, accept: (service: ServiceAnswer) => boolean, description: string): Promise<ServiceAnswer> {
    let last: HttpAnswer<ServiceAnswer> | undefined;
    await waitUntil(
      async () => {
        last = await this.request<ServiceAnswer>('GET', `/services/${serviceId}`, { customerId });
        return last.status === 200 && accept(last.body);
      },
      { timeoutMs: 20_000, description: `service ${serviceId} ${description} (last: ${JSON.stringify(last)})` },
    );
    return (last as HttpAnswer<ServiceAnswer>).body;
  }

  /** Plays the order service: its events on the (prefixed) orders topic. */
  async publishOrders(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.topicOf(topics.orders), events);
  }

  /** Plays the renewal service: its events on the (prefixed) renewals topic. */
  async publishRenewals(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.topicOf(topics.renewals), events);
  }

  async storedEventsOfCustomer(customerId: string): Promise<number> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM event_store.events WHERE metadata->>'partitionKey' = $1`, [customerId]);
    return count;
  }

  async close(): Promise<void> {
    await this.servicesTopic.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.app.close();
    await this.database.drop();
  }
}

export function uniqueCustomer(name: string): string {
  return `cust-${name}-${randomUUID().slice(0, 8)}`;
}

/** An envelope of another service's event: the contract's example with these data, checked. */
export function envelopeOf<T extends IntegrationEventType>(type: T, data: IntegrationEventData<T>, eventId: string = randomUUID()): EventEnvelope {
  const example = exampleEnvelopeOf(type);
  const candidate = { ...example, eventId, data, metadata: { ...example.metadata, correlationId: randomUUID(), partitionKey: (data as { customerId: string }).customerId } };
  const parsed = parseIntegrationEventEnvelope(candidate);
  if (!parsed.success) throw parsed.error;
  return candidate;
}

type OrderItem = IntegrationEventData<'OrderDelivered'>['items'][number];

export function orderItem(planCode: string, universe: OrderItem['universe'], period: OrderItem['period'], unitPrice: number, extra: Partial<OrderItem> = {}): OrderItem {
  return { itemId: randomUUID(), planCode, universe, period, quantity: 1, unitPrice: { currency: 'EUR', value: unitPrice }, ...extra };
}

export function orderDelivered(customerId: string, items: OrderItem[], deliveredAt: string, orderId: string = randomUUID()): EventEnvelope {
  return envelopeOf('OrderDelivered', { orderId, customerId, subsidiary: 'FR', items, deliveredAt });
}

/** The renewal service's facts about one term of a service. */
export const renewal = {
  succeeded(customerId: string, serviceId: string, newExpirationDate: string, succeededAt: string, renewalTermId: string = randomUUID()): EventEnvelope {
    return envelopeOf('RenewalSucceeded', { renewalTermId, serviceId, customerId, invoiceId: randomUUID(), newExpirationDate, succeededAt });
  },
  lapsed(customerId: string, serviceId: string, renewalTermId: string, expirationDate: string, lapsedAt: string): EventEnvelope {
    return envelopeOf('RenewalLapsed', {
      renewalTermId,
      serviceId,
      customerId,
      expirationDate,
      suspensionDate: Temporal.PlainDate.from(expirationDate).add({ days: 7 }).toString(),
      terminationDate: Temporal.PlainDate.from(expirationDate).add({ days: 30 }).toString(),
      lapsedAt,
    });
  },
  deadlinePassed(customerId: string, serviceId: string, renewalTermId: string, expirationDate: string, passedAt: string): EventEnvelope {
    return envelopeOf('RenewalPaymentDeadlinePassed', {
      renewalTermId,
      serviceId,
      customerId,
      expirationDate,
      terminationDate: Temporal.PlainDate.from(expirationDate).add({ days: 30 }).toString(),
      passedAt,
    });
  },
  gracePeriodEnded(customerId: string, serviceId: string, renewalTermId: string, expirationDate: string, endedAt: string): EventEnvelope {
    return envelopeOf('RenewalGracePeriodEnded', { renewalTermId, serviceId, customerId, expirationDate, endedAt });
  },
  autorenewSettingsChanged(customerId: string, renewDay: number, changedAt: string): EventEnvelope {
    return envelopeOf('AutorenewSettingsChanged', { customerId, active: true, renewDay, changedAt });
  },
};
