// The renewal service under test: booted in-process against a fresh database and topics of its
// own (a unique KAFKA_TOPIC_PREFIX), driven over HTTP with bearer tokens and the test clock. A
// recorder reads what it publishes on billing.renewals.v1; `subscription` and `invoicing` play
// those services by producing their events (the contracts' examples, adjusted).
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken, type Role } from '@billing/auth';
import {
  exampleEnvelopeOf,
  parseIntegrationEventEnvelope,
  topics,
  type EventEnvelope,
  type IntegrationEventData,
  type IntegrationEventEnvelope,
  type IntegrationEventType,
  type RenewalInvoiceRequested,
  type RenewalsTopicEvent,
} from '@billing/contracts';
import { EventProducer, TopicProvisioner } from '@billing/messaging';
import { AdjustableClock, CLOCK, createServiceApp, loadConfig, TEST_CLOCK_TOPIC, topicName } from '@billing/platform';
import { createTestDatabase, testKafka, testKafkaBrokers, waitUntil, type TestDatabase } from '@billing/testing';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { Temporal } from 'temporal-polyfill';
import { DataSource } from 'typeorm';
import { renewalService } from '../src/service';

export type PublishedRenewalEvent = RenewalsTopicEvent & { eventId: string; key: string };

/** Everything published on a topic, from the beginning. */
export class RenewalsTopicRecorder {
  readonly events: PublishedRenewalEvent[] = [];
  private consumer?: Consumer;

  constructor(private readonly topic: string) {}

  async start(): Promise<void> {
    this.consumer = testKafka('renewal-test-recorder').consumer({ groupId: `recorder-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const parsed = parseIntegrationEventEnvelope(JSON.parse(String(message.value)), { topic: topics.renewals });
        if (!parsed.success) throw parsed.error;
        this.events.push({ ...(parsed.event as unknown as RenewalsTopicEvent), eventId: parsed.event.eventId, key: String(message.key) });
      },
    });
  }

  of<T extends PublishedRenewalEvent['type']>(type: T, filter: (event: Extract<PublishedRenewalEvent, { type: T }>) => boolean = () => true): Extract<PublishedRenewalEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<PublishedRenewalEvent, { type: T }> => event.type === type && filter(event as Extract<PublishedRenewalEvent, { type: T }>));
  }

  ofService(serviceId: string): PublishedRenewalEvent[] {
    return this.events.filter((event) => 'serviceId' in event.data && event.data.serviceId === serviceId);
  }

  /** Waits until `count` events of the type match, and returns them (first published first). */
  async waitFor<T extends PublishedRenewalEvent['type']>(
    type: T,
    filter: (event: Extract<PublishedRenewalEvent, { type: T }>) => boolean,
    count = 1,
    timeoutMs = 20_000,
  ): Promise<Extract<PublishedRenewalEvent, { type: T }>[]> {
    await waitUntil(() => this.of(type, filter).length >= count, { timeoutMs, description: `${count} × ${type} (have ${this.of(type, filter).length})` });
    return this.of(type, filter);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Creates the run's topics (and waits for their leaders) before the service boots. */
export async function provisionTopics(prefix: string): Promise<void> {
  const admin = testKafka('renewal-test-admin').admin();
  await admin.connect();
  try {
    await new TopicProvisioner(admin).ensureTopics([
      ...[topics.renewals, topics.services, topics.invoices].map((topic) => `${prefix}.${topic}`),
      { topic: `${prefix}.${TEST_CLOCK_TOPIC}`, partitions: 1, deadLetter: false, configs: { 'cleanup.policy': 'compact' } },
    ]);
  } finally {
    await admin.disconnect();
  }
}

export interface HttpAnswer<Body = Record<string, unknown>> {
  status: number;
  body: Body;
}

export type CustomerRenewal = {
  renewalTermId: string;
  serviceId: string;
  expirationDate: string;
  newExpirationDate: string;
  status: string;
  amount: { currency: string; value: number };
  reminders: { daysBeforeExpiration: number; on: string; sent: boolean }[];
  invoiceOn: string | null;
  invoiceId: string | null;
  nextStep: string | null;
  nextStepAt: string | null;
};

export class RenewalServiceUnderTest {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly database: TestDatabase,
    readonly topicPrefix: string,
    readonly renewals: RenewalsTopicRecorder,
    private readonly producer: EventProducer,
  ) {}

  static async start(label: string, env: Record<string, string> = {}): Promise<RenewalServiceUnderTest> {
    const database = await createTestDatabase(`renewal_${label}`);
    const prefix = `test.renewal-${label}.${randomUUID().slice(0, 8)}`;
    await provisionTopics(prefix);
    const config = loadConfig(renewalService.configSchema, {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: process.env.TEST_VERBOSE_RENEWAL ? 'info' : 'warn',
      RENEWAL_SCHEDULER_INTERVAL_MS: '100',
      ...env,
    });
    const app = await createServiceApp(renewalService, config);
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const recorder = new RenewalsTopicRecorder(topicName(config, topics.renewals));
    await recorder.start();
    const producer = new EventProducer(testKafka('renewal-test-producer'));
    return new RenewalServiceUnderTest(app, baseUrl, database, prefix, recorder, producer);
  }

  topic(topic: string): string {
    return `${this.topicPrefix}.${topic}`;
  }

  /** Moves this process's clock (the in-process app's own AdjustableClock). */
  setClock(instant: string): void {
    (this.app.get(CLOCK) as AdjustableClock).set(Temporal.Instant.from(instant));
  }

  async request<Body = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: { customerId?: string; roles?: Role[]; body?: unknown } = {},
  ): Promise<HttpAnswer<Body>> {
    const headers: Record<string, string> = {};
    if (options.customerId) headers.authorization = `Bearer ${await issueDevelopmentToken(options.customerId, { roles: options.roles })}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    return { status: response.status, body: (await response.json()) as Body };
  }

  operator<Body = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpAnswer<Body>> {
    return this.request<Body>(method, path, { customerId: 'operator-ops', roles: ['operator'], body });
  }

  async renewalsOf(customerId: string, serviceId?: string): Promise<CustomerRenewal[]> {
    const answer = await this.request<{ renewals: CustomerRenewal[] }>('GET', `/me/renewals${serviceId ? `?serviceId=${serviceId}` : ''}`, { customerId });
    expect(answer.status).toBe(200);
    return answer.body.renewals;
  }

  /** Waits until the service's term renewing `expirationDate` is scheduled, and returns it. */
  async waitForTerm(customerId: string, serviceId: string, expirationDate: string, accept: (term: CustomerRenewal) => boolean = () => true): Promise<CustomerRenewal> {
    let found: CustomerRenewal | undefined;
    await waitUntil(
      async () => {
        found = (await this.renewalsOf(customerId, serviceId)).find((term) => term.expirationDate === expirationDate);
        return found !== undefined && accept(found);
      },
      { timeoutMs: 20_000, description: `the term of ${serviceId} renewing ${expirationDate}` },
    ).catch((error: Error) => {
      // what the last poll saw, not what there was before the first one
      throw new Error(`${error.message} (last seen: ${JSON.stringify(found) ?? 'none'})`, { cause: error });
    });
    return found as CustomerRenewal;
  }

  async publishServices(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.topic(topics.services), events);
  }

  async publishInvoicing(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.topic(topics.invoices), events);
  }

  /** What was published about these services, in order. */
  events(serviceIds: readonly string[]): PublishedRenewalEvent[] {
    return this.renewals.events.filter((event) => 'serviceId' in event.data && serviceIds.includes(event.data.serviceId));
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  async close(): Promise<void> {
    await this.renewals.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.app.close();
    await this.database.drop();
  }
}

export function uniqueCustomer(name: string): string {
  return `cust-${name}-${randomUUID().slice(0, 8)}`;
}

/** An event of another service in its envelope, checked against its contract. */
export function envelopeOf<T extends IntegrationEventType>(type: T, data: IntegrationEventData<T>): IntegrationEventEnvelope<T> {
  const example = exampleEnvelopeOf(type);
  const candidate = {
    ...example,
    eventId: randomUUID(),
    data,
    metadata: { ...example.metadata, correlationId: randomUUID(), partitionKey: (data as { customerId: string }).customerId },
  };
  const parsed = parseIntegrationEventEnvelope(candidate);
  if (!parsed.success) throw parsed.error;
  return candidate as IntegrationEventEnvelope<T>;
}

// ── subscription's events ──

export type ServiceSpec = {
  customerId: string;
  serviceId?: string;
  subsidiary?: string;
  universe?: 'web' | 'dedicated' | 'cloud' | 'telecom';
  planCode?: string;
  period?: 'P1M' | 'P3M' | 'P6M' | 'P1Y' | 'P2Y' | 'P3Y';
  price?: { currency: string; value: number };
  anchorDate: string;
  expirationDate: string;
  renewMode?: 'automatic' | 'manual' | 'deleteAtExpiration';
};

export type ActivatedService = Required<ServiceSpec>;

export const subscription = {
  activated(spec: ServiceSpec): { event: IntegrationEventEnvelope<'ServiceActivated'>; service: ActivatedService } {
    const service: ActivatedService = {
      serviceId: randomUUID(),
      subsidiary: 'FR',
      universe: 'web',
      planCode: 'web-hosting-pro',
      period: 'P1Y',
      price: { currency: 'EUR', value: 8199 },
      renewMode: 'automatic',
      ...spec,
    };
    const event = envelopeOf('ServiceActivated', {
      serviceId: service.serviceId,
      customerId: service.customerId,
      orderId: randomUUID(),
      itemId: randomUUID(),
      subsidiary: service.subsidiary,
      universe: service.universe,
      planCode: service.planCode,
      period: service.period,
      price: service.price,
      anchorDate: service.anchorDate,
      expirationDate: service.expirationDate,
      renewMode: service.renewMode,
      activatedAt: `${service.anchorDate}T10:00:00Z`,
    });
    return { event, service };
  },

  terminationConfirmed(service: ActivatedService, effectiveDate: string) {
    return envelopeOf('ServiceTerminationConfirmed', {
      serviceId: service.serviceId,
      customerId: service.customerId,
      reason: 'NOT_NEEDED_ANYMORE',
      effective: 'atExpiration',
      effectiveDate,
      confirmedAt: '2026-01-01T10:00:00Z',
    });
  },

  expirationExtended(service: ActivatedService, previousExpirationDate: string, expirationDate: string) {
    return envelopeOf('ServiceExpirationExtended', {
      serviceId: service.serviceId,
      customerId: service.customerId,
      renewalTermId: randomUUID(),
      previousExpirationDate,
      expirationDate,
      extendedAt: '2026-01-01T10:00:00Z',
    });
  },

  terminated(service: ActivatedService, terminatedAt: string) {
    return envelopeOf('ServiceTerminated', { serviceId: service.serviceId, customerId: service.customerId, reason: 'customerRequest', terminatedAt });
  },

  renewModeChanged(service: ActivatedService, renewMode: 'automatic' | 'manual' | 'deleteAtExpiration', previousRenewMode = service.renewMode) {
    return envelopeOf('ServiceRenewModeChanged', { serviceId: service.serviceId, customerId: service.customerId, renewMode, previousRenewMode, changedAt: '2026-01-01T10:00:00Z' });
  },
};

// ── invoicing's answers to a RenewalInvoiceRequested ──

const withTax = (amount: { currency: string; value: number }) => ({ currency: amount.currency, value: Math.round(amount.value * 1.2) });

/** A renewal invoice's source: the request's term, and the terms its request groups with it. */
function renewalSourceOf(request: RenewalInvoiceRequested) {
  const grouped = request.groupedTerms?.map(({ renewalTermId, serviceId }) => ({ renewalTermId, serviceId }));
  return { kind: 'renewal' as const, renewalTermId: request.renewalTermId, serviceId: request.serviceId, ...(grouped ? { groupedTerms: grouped } : {}) };
}

export const invoicing = {
  issued(request: RenewalInvoiceRequested, invoiceId: string, issuedAt = request.requestedAt) {
    const tax = withTax(request.amount).value - request.amount.value;
    return envelopeOf('InvoiceIssued', {
      invoiceId,
      number: `${request.subsidiary}-R-${invoiceId.slice(0, 8)}`,
      series: `${request.subsidiary}-R`,
      sequence: 1,
      customerId: request.customerId,
      subsidiary: request.subsidiary,
      currency: request.amount.currency,
      category: 'autorenew',
      source: renewalSourceOf(request),
      billedTo: { name: 'Camille Martin', country: 'FR' },
      lines: [
        {
          description: `${request.planCode} ${request.termStartDate} → ${request.termEndDate}`,
          planCode: request.planCode,
          serviceId: request.serviceId,
          periodStart: request.termStartDate,
          periodEnd: request.termEndDate,
          quantity: 1,
          unitPrice: request.amount,
          amountWithoutTax: request.amount,
          taxRate: 2000,
        },
      ],
      taxes: [{ rate: 2000, base: request.amount, amount: { currency: request.amount.currency, value: tax } }],
      reverseCharge: false,
      totals: { withoutTax: request.amount, tax: { currency: request.amount.currency, value: tax }, withTax: withTax(request.amount) },
      issuedAt,
      dueDate: request.billingDate,
    });
  },

  paid(request: RenewalInvoiceRequested, invoiceId: string, paidAt = request.requestedAt) {
    return envelopeOf('InvoicePaid', {
      invoiceId,
      customerId: request.customerId,
      source: renewalSourceOf(request),
      paymentId: randomUUID(),
      amount: withTax(request.amount),
      paymentMethodId: 'pm_card_visa',
      paidAt,
    });
  },

  paymentFailed(request: RenewalInvoiceRequested, invoiceId: string, attempt: number, failedAt: string, retryable = true) {
    return envelopeOf('InvoicePaymentFailed', {
      invoiceId,
      customerId: request.customerId,
      source: renewalSourceOf(request),
      paymentId: randomUUID(),
      attempt,
      amount: withTax(request.amount),
      reason: 'declined',
      retryable,
      failedAt,
    });
  },
};

/** Moves the test clock of every process of the service (POST /operator/clock, shared over Kafka). */
export async function moveClock(service: RenewalServiceUnderTest, instant: string): Promise<void> {
  const answer = await service.operator<{ now: string }>('POST', '/operator/clock', { set: instant });
  expect(answer.status).toBe(200);
}
