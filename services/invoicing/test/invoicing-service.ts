// The invoicing service under test: booted in-process against a fresh database and topics of its
// own (a unique KAFKA_TOPIC_PREFIX), driven over HTTP with bearer tokens; a recorder reads what it
// publishes on billing.invoices.v1, and the order and renewal services are played by producing
// their events (the contracts' examples, adjusted) on the prefixed topics.
import { randomUUID } from 'node:crypto';
import { constants, inflateSync } from 'node:zlib';
import { issueDevelopmentToken } from '@billing/auth';
import {
  computeInvoiceTotals,
  determineTax,
  findSubsidiary,
  multiplyByQuantity,
  subsidiary as subsidiaryOf,
  toSubsidiaryDate,
  type SubsidiaryCode,
} from '@billing/billing-kernel';
import {
  exampleEnvelopeOf,
  parseIntegrationEventEnvelope,
  topics,
  type EventEnvelope,
  type IntegrationEventEnvelope,
  type InvoicesTopicEvent,
  type OrderPlaced,
  type RenewalInvoiceRequested,
  type ServicePlanChanged,
} from '@billing/contracts';
import { EventProducer } from '@billing/messaging';
import { createServiceApp, loadConfig, topicName } from '@billing/platform';
import { createTestDatabase, testKafka, testKafkaBrokers, waitUntil, type TestDatabase } from '@billing/testing';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { Temporal } from 'temporal-polyfill';
import { DataSource } from 'typeorm';
import { invoicingService } from '../src/service';

export type PublishedInvoicingEvent = InvoicesTopicEvent & Pick<EventEnvelope, 'schemaVersion' | 'metadata'> & { eventId: string; key: string; offset: string; partition: number };

/** Each event type's data as published, with its event id. */
export type PublishedData = {
  [K in InvoicesTopicEvent['type']]: Extract<InvoicesTopicEvent, { type: K }>['data'] & { eventId: string };
};

/** Everything a service publishes on its invoices topic, from the beginning, each event id once. */
export class InvoicesTopicRecorder {
  readonly events: PublishedInvoicingEvent[] = [];
  /** every message, repeats included (the relay is at-least-once) */
  messages = 0;
  private readonly seen = new Set<string>();
  private consumer?: Consumer;

  constructor(readonly topic: string) {}

  async start(): Promise<void> {
    this.consumer = testKafka('invoicing-test-recorder').consumer({ groupId: `recorder-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        this.messages++;
        const parsed = parseIntegrationEventEnvelope(JSON.parse(String(message.value)), { topic: topics.invoices });
        if (!parsed.success) throw parsed.error;
        if (this.seen.has(parsed.event.eventId)) return;
        this.seen.add(parsed.event.eventId);
        this.events.push({ ...(parsed.event as unknown as InvoicesTopicEvent & Pick<EventEnvelope, 'schemaVersion' | 'metadata'>), eventId: parsed.event.eventId, key: String(message.key), offset: message.offset, partition });
      },
    });
  }

  ofType<T extends keyof PublishedData>(type: T, match: (event: PublishedData[T]) => boolean = () => true): PublishedData[T][] {
    return this.events
      .filter((event) => event.type === type)
      .map((event) => ({ ...event.data, eventId: event.eventId }) as PublishedData[T])
      .filter(match);
  }

  ofCustomer(customerId: string): PublishedInvoicingEvent[] {
    return this.events.filter((event) => event.data.customerId === customerId);
  }

  /** Waits until `count` events of `type` match; returns the matching events (in publication order). */
  async waitFor<T extends keyof PublishedData>(type: T, match: (event: PublishedData[T]) => boolean, description: string, count = 1, timeoutMs = 20_000): Promise<PublishedData[T][]> {
    await waitUntil(() => this.ofType(type, match).length >= count, {
      timeoutMs,
      description: `${description} (have ${this.events.map((event) => event.type).join(', ') || 'nothing'})`,
    });
    return this.ofType(type, match);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export interface HttpAnswer<Body = Record<string, unknown>> {
  status: number;
  body: Body;
  headers: Headers;
}

export async function httpRequest<Body = Record<string, unknown>>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: { customerId?: string; body?: unknown } = {},
): Promise<HttpAnswer<Body>> {
  const headers: Record<string, string> = {};
  if (options.customerId) headers.authorization = `Bearer ${await issueDevelopmentToken(options.customerId)}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as Body, headers: response.headers };
}

export interface StartOptions {
  env?: Record<string, string>;
}

export class InvoicingServiceUnderTest {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly database: TestDatabase,
    readonly invoicesTopic: InvoicesTopicRecorder,
    readonly ordersTopic: string,
    readonly renewalsTopic: string,
    readonly servicesTopic: string,
    private readonly producer: EventProducer,
  ) {}

  static async start(label: string, options: StartOptions = {}): Promise<InvoicingServiceUnderTest> {
    const database = await createTestDatabase(`invoicing_${label}`);
    const prefix = `test.invoicing-${label}.${randomUUID().slice(0, 8)}`;
    const config = loadConfig(invoicingService.configSchema, {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '20',
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: process.env.TEST_VERBOSE_INVOICING ? 'info' : 'error',
      PAYMENT_RECONCILIATION_INTERVAL_MS: '250',
      PAYMENT_OUTCOME_TIMEOUT_MS: '1500',
      ...options.env,
    });
    const app = await createServiceApp(invoicingService, config);
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const recorder = new InvoicesTopicRecorder(topicName(config, topics.invoices));
    await recorder.start();
    const producer = new EventProducer(testKafka('invoicing-test-upstream'));
    return new InvoicingServiceUnderTest(app, baseUrl, database, recorder, topicName(config, topics.orders), topicName(config, topics.renewals), topicName(config, topics.services), producer);
  }

  request<Body = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT', path: string, options: { customerId?: string; body?: unknown } = {}): Promise<HttpAnswer<Body>> {
    return httpRequest<Body>(this.baseUrl, method, path, options);
  }

  /** Plays the order service. */
  async publishOrders(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.ordersTopic, events);
  }

  /** Plays the renewal service. */
  async publishRenewals(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.renewalsTopic, events);
  }

  /** Plays the subscription service. */
  async publishServices(...events: EventEnvelope[]): Promise<void> {
    await this.producer.publish(this.servicesTopic, events);
  }

  /**
   * Publishes again, as the outbox relay does after a crash between producing and saving its
   * checkpoint, events this service published: the same envelopes, later in the partition.
   */
  async publishAgain(...events: readonly PublishedInvoicingEvent[]): Promise<void> {
    const envelopes: EventEnvelope[] = events.map(({ eventId, type, schemaVersion, data, metadata }) => ({ eventId, type, schemaVersion, data, metadata }));
    await this.producer.publish(this.invoicesTopic.topic, envelopes);
  }

  query<Row>(sql: string, parameters: unknown[] = []): Promise<Row[]> {
    return this.app.get(DataSource).query(sql, parameters);
  }

  /** The charges the sandbox gateway recorded for an invoice (its idempotency keys start with its id). */
  async sandboxChargesOf(invoiceId: string): Promise<{ idempotency_key: string; charge_id: string; status: string; amount: string }[]> {
    return this.query(`SELECT idempotency_key, charge_id::text, status, amount FROM payment_gateway_sandbox.charges WHERE idempotency_key LIKE $1 ORDER BY created_at`, [`${invoiceId}:%`]);
  }

  /** The refunds the sandbox gateway made for a credit note. */
  async sandboxRefundsOf(creditNoteId: string): Promise<{ refund_id: string; charge_id: string; status: string; amount: string }[]> {
    return this.query(`SELECT refund_id, charge_id, status, amount FROM payment_gateway_sandbox.refunds WHERE idempotency_key = $1`, [`refund:${creditNoteId}`]);
  }

  /** PUT /me and a payment method with this sandbox token; returns the payment method id. */
  async openAccount(customerId: string, subsidiary: SubsidiaryCode, options: { country?: string; vatNumber?: string; token?: string; name?: string } = {}): Promise<string> {
    const account = await this.request('PUT', '/me', { customerId, body: accountBody(subsidiary, options) });
    expect(account.status).toBe(200);
    const method = await this.request<{ paymentMethodId: string }>('POST', '/me/payment/method', {
      customerId,
      body: { type: 'card', token: options.token ?? 'tok_success', label: 'Visa ···4242' },
    });
    expect(method.status).toBe(201);
    return method.body.paymentMethodId;
  }

  async close(): Promise<void> {
    await this.invoicesTopic.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.app.close();
    await this.database.drop();
  }
}

export function accountBody(subsidiary: SubsidiaryCode, options: { country?: string; vatNumber?: string; name?: string } = {}) {
  return {
    subsidiary,
    name: options.name ?? 'Camille Martin',
    postalAddress: { lines: ['12 rue des Lilas'], postalCode: '59000', city: 'Lille' },
    country: options.country ?? findSubsidiary(subsidiary)?.vatCountry ?? 'FR',
    ...(options.vatNumber ? { vatNumber: options.vatNumber } : {}),
    email: 'camille.martin@example.org',
  };
}

export function uniqueCustomer(name: string): string {
  return `cust-${name}-${randomUUID().slice(0, 8)}`;
}

// ── the other services' events (the contracts' examples, adjusted) ──

function envelope<T extends 'OrderPlaced' | 'OrderCancelled' | 'OrderWithdrawn' | 'RenewalInvoiceRequested' | 'RenewalPaymentRetryScheduled' | 'ServicePlanChanged'>(type: T, customerId: string, data: unknown, topic: string): EventEnvelope {
  const example = exampleEnvelopeOf(type);
  const candidate = { ...example, eventId: randomUUID(), data, metadata: { ...example.metadata, correlationId: randomUUID(), occurredAt: new Date().toISOString(), partitionKey: customerId } };
  const parsed = parseIntegrationEventEnvelope(candidate, { topic });
  if (!parsed.success) throw parsed.error;
  return candidate as IntegrationEventEnvelope;
}

export type ItemSpec = Readonly<{ planCode: string; universe: 'web' | 'dedicated' | 'cloud' | 'telecom'; unitPrice: number; quantity?: number; period?: 'P1M' | 'P1Y' }>;

/** An OrderPlaced priced as the order service would price it for a consumer of the subsidiary's country. */
export function orderPlaced(customerId: string, subsidiary: SubsidiaryCode, items: readonly ItemSpec[], options: { autoPay?: boolean; paymentMethodId?: string; orderId?: string } = {}): EventEnvelope & { data: OrderPlaced } {
  const seller = subsidiaryOf(subsidiary);
  const currency = seller.currency;
  const tax = determineTax(seller, { country: seller.vatCountry }, toSubsidiaryDate(Temporal.Now.instant(), seller));
  const orderItems = items.map((item) => ({
    itemId: randomUUID(),
    planCode: item.planCode,
    universe: item.universe,
    period: item.period ?? 'P1M',
    quantity: item.quantity ?? 1,
    unitPrice: { currency, value: item.unitPrice },
  }));
  const totals = computeInvoiceTotals(
    currency,
    orderItems.map((item) => ({ lineTotal: multiplyByQuantity(item.unitPrice, item.quantity), rate: tax.rate })),
  );
  const data: OrderPlaced = {
    orderId: options.orderId ?? randomUUID(),
    customerId,
    subsidiary,
    currency,
    items: orderItems,
    totals: { withoutTax: totals.totalExcludingTax, tax: totals.totalTax, withTax: totals.totalIncludingTax },
    autoPay: options.autoPay ?? true,
    ...(options.paymentMethodId ? { paymentMethodId: options.paymentMethodId } : {}),
    placedAt: new Date().toISOString(),
  };
  return envelope('OrderPlaced', customerId, data, topics.orders) as EventEnvelope & { data: OrderPlaced };
}

export function orderCancelled(customerId: string, orderId: string): EventEnvelope {
  return envelope('OrderCancelled', customerId, { orderId, customerId, reason: 'customerRequest', cancelledAt: new Date().toISOString() }, topics.orders);
}

export function orderWithdrawn(customerId: string, order: OrderPlaced, itemIds: string[], invoiceId: string, refund: { currency: string; value: number }): EventEnvelope {
  return envelope('OrderWithdrawn', customerId, { orderId: order.orderId, customerId, invoiceId, itemIds, refundAmount: refund, withdrawnAt: new Date().toISOString() }, topics.orders);
}

export function renewalInvoiceRequested(customerId: string, subsidiary: SubsidiaryCode, options: { autoPay: boolean; termStartDate: string; termEndDate: string; amount: number; renewalTermId?: string }): EventEnvelope & { data: RenewalInvoiceRequested } {
  const currency = subsidiaryOf(subsidiary).currency;
  const data: RenewalInvoiceRequested = {
    renewalTermId: options.renewalTermId ?? randomUUID(),
    serviceId: randomUUID(),
    customerId,
    subsidiary,
    universe: 'web',
    category: 'autorenew',
    planCode: 'web-hosting-pro',
    period: 'P1Y',
    amount: { currency, value: options.amount },
    termStartDate: options.termStartDate,
    termEndDate: options.termEndDate,
    billingDate: new Date().toISOString().slice(0, 10),
    autoPay: options.autoPay,
    requestedAt: new Date().toISOString(),
  };
  return envelope('RenewalInvoiceRequested', customerId, data, topics.renewals) as EventEnvelope & { data: RenewalInvoiceRequested };
}

/** Renewal's dunning: the next attempt of a renewal invoice, on its retry day. */
export function renewalPaymentRetry(request: EventEnvelope & { data: RenewalInvoiceRequested }, invoiceId: string, nextAttempt: number): EventEnvelope {
  const { renewalTermId, serviceId, customerId } = request.data;
  return envelope(
    'RenewalPaymentRetryScheduled',
    customerId,
    {
      renewalTermId,
      serviceId,
      customerId,
      invoiceId,
      failedAttempt: nextAttempt - 1,
      failureReason: 'insufficientFunds',
      nextAttempt,
      retryOn: new Date().toISOString().slice(0, 10),
      scheduledAt: new Date().toISOString(),
    },
    topics.renewals,
  );
}

/**
 * The text a PDF shows: its content streams (inflated when compressed), with the hex strings of
 * the text operators (pdfkit writes `[<48656c6c6f> 20 <…>] TJ`) decoded and joined per operator.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const texts: string[] = [];
  // pdfkit ends a stream's data with "\nendstream": a data byte 0x0D before it belongs to the data
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\nendstream/g)) {
    const bytes = Buffer.from(match[1], 'latin1');
    let content: string;
    try {
      content = inflateSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1');
    } catch {
      content = match[1];
    }
    for (const operator of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      texts.push([...operator[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => Buffer.from(hex[1], 'hex').toString('latin1')).join(''));
    }
  }
  return texts.join('\n');
}

/**
 * Subscription's upgrade of a monthly web hosting from 7.99 to 15.99 EUR on the 15th day of a
 * 28-day term: 14 days left, so 4.00 credited and 8.00 charged. Without `amounts`, the event as
 * published before it carried them.
 */
export function servicePlanChanged(customerId: string, options: { amounts: boolean; planChangeId?: string }): EventEnvelope & { data: ServicePlanChanged } {
  const data: ServicePlanChanged = {
    serviceId: randomUUID(),
    customerId,
    planChangeId: options.planChangeId ?? randomUUID(),
    universe: 'web',
    previousPlanCode: 'web-hosting-pro',
    planCode: 'web-hosting-performance',
    previousPrice: { currency: 'EUR', value: 799 },
    price: { currency: 'EUR', value: 1599 },
    termStartDate: '2027-01-31',
    effectiveDate: '2027-02-14',
    expirationDate: '2027-02-28',
    ...(options.amounts ? { subsidiary: 'FR', unusedOldPlanCredit: { currency: 'EUR', value: -400 }, newPlanCharge: { currency: 'EUR', value: 800 } } : {}),
    changedAt: '2027-02-14T10:00:00.000Z',
  };
  return envelope('ServicePlanChanged', customerId, data, topics.services) as EventEnvelope & { data: ServicePlanChanged };
}
