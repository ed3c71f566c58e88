// One-click ordering end to end: the order and invoicing services run as real processes (their
// main.ts) on the local PostgreSQL and Kafka, and a customer's POST /orders counts as done when
// OrderDelivered reaches billing.orders.v1 (order placed → invoice issued → charged → paid →
// delivering → delivered, four hops over Kafka). Two figures:
//   - throughput: a backlog of orders posted by many concurrent clients, orders/s until the last
//     one is delivered, and the CPU each process spent per order meanwhile;
//   - latency: orders posted at a steady rate (100/s by default), p50/p90/p99 of POST → delivered.
// Prints the figures and writes them to bench/results/orders.json.
//
//   npm run bench:orders   (BENCH_ORDERS_RATE, BENCH_ORDERS_SECONDS, BENCH_ORDERS_BURST, BENCH_PROFILE_DIR)
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { issueDevelopmentToken } from '@billing/auth';
import { topics } from '@billing/contracts';
import { PlatformUnderTest } from '@billing/service-testing';
import { testKafka, testKafkaBrokers } from '@billing/testing';
import { startBenchBroker } from '../broker';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { CpuWindow, describeCpuUsage } from '../cpu-usage';
import { writeResults } from '../results-file';

const CUSTOMERS = 300;
const BURST = { orders: Number(process.env.BENCH_ORDERS_BURST ?? 1_000), concurrency: 32 };
const STEADY = { ordersPerSecond: Number(process.env.BENCH_ORDERS_RATE ?? 100), seconds: Number(process.env.BENCH_ORDERS_SECONDS ?? 20) };
const WARM_UP = { ordersPerSecond: 10, seconds: 5 };
/** An order not delivered in this time counts as lost: the bench fails. */
const DELIVERY_TIMEOUT_MS = 600_000;
const TARGET = { p99Ms: 300, atOrdersPerSecond: 100 };

/** What each subsidiary's customers order: a plan of every universe, telecom in France only. */
const baskets: Record<string, { country: string; items: { planCode: string; period: string }[] }> = {
  FR: { country: 'FR', items: [{ planCode: 'web-hosting-pro', period: 'P1Y' }, { planCode: 'telecom-voip-line-solo', period: 'P1M' }] },
  DE: { country: 'DE', items: [{ planCode: 'dedicated-ks-1', period: 'P1M' }] },
  GB: { country: 'GB', items: [{ planCode: 'cloud-instance-b3-8', period: 'P1M' }] },
  PL: { country: 'PL', items: [{ planCode: 'web-hosting-starter', period: 'P1M' }] },
};

interface Customer {
  customerId: string;
  subsidiary: string;
  token: string;
  paymentMethodId: string;
}

/** The moments an order's events were published (producer timestamps, epoch ms), for the hop breakdown. */
const STAGES = ['OrderPlaced', 'InvoiceIssued', 'InvoicePaid', 'OrderDelivered'] as const;
type Stage = (typeof STAGES)[number];
const isStage = (type: string): type is Stage => (STAGES as readonly string[]).includes(type);

/**
 * Order and invoice events as they arrive on their topics: OrderDelivered per order, in monotonic
 * ms, and when each stage of an order was published, from the relays' message timestamps.
 */
class DeliveryWatcher {
  private readonly delivered = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  readonly published = new Map<string, Partial<Record<Stage, number>>>();
  private readonly consumers: Consumer[] = [];

  /**
   * One consumer per topic, as each consumer group of the services has: a kafkajs consumer of two
   * topics that both carry traffic reads each message ~10-60 ms later than a consumer of one (the
   * same broker, on an idle machine: p50 14 ms against 1-2 ms), which the bench counted as the
   * platform's latency.
   */
  async start(ordersTopic: string, invoicesTopic: string): Promise<void> {
    for (const topic of [ordersTopic, invoicesTopic]) {
      const consumer = testKafka('bench-orders-watcher').consumer({ groupId: `bench-orders-${randomUUID()}`, maxWaitTimeInMs: 20 });
      this.consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: async ({ message }) => this.read(message) });
    }
  }

  private read(message: KafkaMessage): void {
    const at = performance.now();
    const envelope = JSON.parse(String(message.value)) as { type: string; data: { orderId?: string; source?: { kind: string; orderId?: string } } };
    const orderId = envelope.data.orderId ?? (envelope.data.source?.kind === 'order' ? envelope.data.source.orderId : undefined);
    if (!orderId || !isStage(envelope.type)) return;
    const stages = this.published.get(orderId) ?? {};
    stages[envelope.type] ??= Number(message.timestamp);
    this.published.set(orderId, stages);
    if (envelope.type !== 'OrderDelivered' || this.delivered.has(orderId)) return;
    this.delivered.set(orderId, at);
    this.waiting.get(orderId)?.(at);
    this.waiting.delete(orderId);
  }

  /** When this watcher read the order's OrderDelivered (monotonic ms), once it has. */
  readAt(orderId: string): number | undefined {
    return this.delivered.get(orderId);
  }

  /** Resolves with the moment the order's OrderDelivered was read; rejects after the timeout. */
  deliveredAt(orderId: string, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<number> {
    const known = this.delivered.get(orderId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`order ${orderId} not delivered within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(orderId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
  }
}

async function call<T>(url: string, method: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function registerCustomer(platform: PlatformUnderTest, index: number): Promise<Customer> {
  const subsidiary = Object.keys(baskets)[index % Object.keys(baskets).length];
  const customerId = `bench-${randomUUID().slice(0, 12)}`;
  const token = await issueDevelopmentToken(customerId);
  const account = await call(`${platform.url('invoicing')}/me`, 'PUT', token, {
    subsidiary,
    name: `Customer ${index}`,
    postalAddress: { lines: [`${index} rue de la Paix`], postalCode: '75002', city: 'Paris' },
    country: baskets[subsidiary].country,
    email: `${customerId}@example.com`,
  });
  if (account.status !== 200) throw new Error(`PUT /me answered ${account.status}: ${JSON.stringify(account.body)}`);
  const method = await call<{ paymentMethodId: string }>(`${platform.url('invoicing')}/me/payment/method`, 'POST', token, { type: 'card', token: 'tok_success', default: true });
  if (method.status !== 201) throw new Error(`POST /me/payment/method answered ${method.status}: ${JSON.stringify(method.body)}`);
  return { customerId, subsidiary, token, paymentMethodId: method.body.paymentMethodId };
}

/** An order posted: when the request was sent and answered, in monotonic ms. */
type PlacedOrder = { orderId: string; postedAt: number; answeredAt: number };

/** POST /orders; resolves with the order id and the moments the request was sent and answered. */
async function placeOrder(
  platform: PlatformUnderTest,
  customer: Customer,
  sequence: number,
): Promise<PlacedOrder> {
  const basket = baskets[customer.subsidiary];
  const item = basket.items[sequence % basket.items.length];
  const postedAt = performance.now();
  const placed = await call<{ orderId: string }>(`${platform.url('order')}/orders`, 'POST', customer.token, {
    subsidiary: customer.subsidiary,
    items: [{ ...item, quantity: 1 }],
    autoPay: true,
    paymentMethodId: customer.paymentMethodId,
  });
  if (placed.status !== 201) throw new Error(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  return { orderId: placed.body.orderId, postedAt, answeredAt: performance.now() };
}

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

/** Orders at a steady rate: a tick every 10 ms posts what the schedule says is due by then. */
async function steadyRun(platform: PlatformUnderTest, watcher: DeliveryWatcher, customers: Customer[], ordersPerSecond: number, seconds: number) {
  const total = ordersPerSecond * seconds;
  const latencies: Promise<number>[] = [];
  const placed: PlacedOrder[] = [];
  const started = performance.now();
  let posted = 0;
  while (posted < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * ordersPerSecond) + 1);
    for (; posted < due; posted++) {
      const customer = customers[posted % customers.length];
      latencies.push(
        placeOrder(platform, customer, posted).then(async (order) => {
          placed.push(order);
          return (await watcher.deliveredAt(order.orderId)) - order.postedAt;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const postingSeconds = (performance.now() - started) / 1_000;
  const sorted = (await Promise.all(latencies)).sort((a, b) => a - b);
  return {
    orders: total,
    targetOrdersPerSecond: ordersPerSecond,
    achievedOrdersPerSecond: Math.round(total / postingSeconds),
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: Math.round(sorted[sorted.length - 1]),
    hops: hopBreakdown(watcher, placed),
  };
}

/**
 * Where an order's time goes, hop by hop, p50/p99 in ms: the POST, until the order relay publishes
 * OrderPlaced, until invoicing's relay publishes InvoiceIssued and then InvoicePaid, until the order
 * relay publishes OrderDelivered, until the watcher reads it. Publication times are the producers'
 * message timestamps (same machine, same clock).
 */
function hopBreakdown(watcher: DeliveryWatcher, placed: readonly PlacedOrder[]) {
  const hops: Record<string, number[]> = {
    'POST answered': [],
    'OrderPlaced published': [],
    'InvoiceIssued published': [],
    'InvoicePaid published': [],
    'OrderDelivered published': [],
    'OrderDelivered read': [],
  };
  // producer timestamps are epoch ms: on this process's monotonic clock like the rest
  const monotonic = (epochMs: number | undefined) => (epochMs === undefined ? undefined : epochMs - performance.timeOrigin);
  for (const { orderId, postedAt, answeredAt } of placed) {
    const stages = watcher.published.get(orderId) ?? {};
    const [placedAt, issuedAt, paidAt, deliveredAt] = STAGES.map((stage) => monotonic(stages[stage]));
    const readAt = watcher.readAt(orderId);
    if (placedAt === undefined || issuedAt === undefined || paidAt === undefined || deliveredAt === undefined || readAt === undefined) continue;
    hops['POST answered'].push(answeredAt - postedAt);
    hops['OrderPlaced published'].push(placedAt - postedAt);
    hops['InvoiceIssued published'].push(issuedAt - placedAt);
    hops['InvoicePaid published'].push(paidAt - issuedAt);
    hops['OrderDelivered published'].push(deliveredAt - paidAt);
    hops['OrderDelivered read'].push(readAt - deliveredAt);
  }
  return Object.fromEntries(
    Object.entries(hops).map(([hop, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return [hop, sorted.length ? { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) } : undefined];
    }),
  );
}

const describeHops = (hops: ReturnType<typeof hopBreakdown>) =>
  Object.entries(hops)
    .map(([hop, figures]) => `${hop} +${figures?.p50Ms ?? '?'}/${figures?.p99Ms ?? '?'}`)
    .join(', ');

/** A backlog of orders posted by concurrent clients: orders/s until the last one is delivered. */
async function burstRun(platform: PlatformUnderTest, watcher: DeliveryWatcher, customers: Customer[], orders: number, concurrency: number) {
  const started = performance.now();
  const delivered: Promise<number>[] = [];
  let next = 0;
  const client = async () => {
    while (next < orders) {
      const sequence = next++;
      const { orderId } = await placeOrder(platform, customers[sequence % customers.length], sequence);
      delivered.push(watcher.deliveredAt(orderId));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const postedSeconds = (performance.now() - started) / 1_000;
  const last = Math.max(...(await Promise.all(delivered)));
  const seconds = (last - started) / 1_000;
  return {
    orders,
    concurrency,
    postedPerSecond: Math.round(orders / postedSeconds),
    seconds: Number(seconds.toFixed(2)),
    deliveredPerSecond: Math.round(orders / seconds),
  };
}

async function main(): Promise<void> {
  await startBenchBroker();
  process.stdout.write('starting order and invoicing as processes…\n');
  // BENCH_PROFILE_DIR: each service writes a V8 CPU profile there when it stops
  const profile: Record<string, string> = process.env.BENCH_PROFILE_DIR ? { CPU_PROFILE_DIR: process.env.BENCH_PROFILE_DIR } : {};
  const platform = await PlatformUnderTest.start({ services: ['order', 'invoicing'], readyTimeoutMs: 120_000, env: profile });
  const watcher = new DeliveryWatcher();
  try {
    await watcher.start(platform.topic(topics.orders), platform.topic(topics.invoices));
    const customers: Customer[] = [];
    for (let index = 0; index < CUSTOMERS; index += 20) {
      customers.push(...(await Promise.all(Array.from({ length: Math.min(20, CUSTOMERS - index) }, (_, offset) => registerCustomer(platform, index + offset)))));
    }
    process.stdout.write(`${customers.length} customers with a card, in ${Object.keys(baskets).join(', ')}\n`);

    // warm-up: connections, JIT, consumer assignments
    await steadyRun(platform, watcher, customers, WARM_UP.ordersPerSecond, WARM_UP.seconds);

    const cpu = new CpuWindow({ order: platform.pidOf('order'), invoicing: platform.pidOf('invoicing') });
    const burst = await burstRun(platform, watcher, customers, BURST.orders, BURST.concurrency);
    const burstCpu = cpu.close(burst.orders);
    process.stdout.write(
      `capacity: a backlog of ${burst.orders} orders from ${burst.concurrency} clients, posted at ${burst.postedPerSecond}/s, all delivered in ${burst.seconds} s → ${burst.deliveredPerSecond} orders/s end to end\n`,
    );
    process.stdout.write(`  ${describeCpuUsage(burstCpu, 'order')}\n`);

    const runs = [];
    const belowCapacity = Math.max(1, Math.floor(burst.deliveredPerSecond * 0.5));
    for (const rate of [...new Set([belowCapacity, STEADY.ordersPerSecond])].sort((a, b) => a - b)) {
      // below capacity the processes also spend what they spend idle (timers, fetch loops), per order
      const steadyCpu = new CpuWindow({ order: platform.pidOf('order'), invoicing: platform.pidOf('invoicing') });
      const measured = await steadyRun(platform, watcher, customers, rate, STEADY.seconds);
      const steady = { ...measured, cpu: steadyCpu.close(measured.orders) };
      runs.push(steady);
      process.stdout.write(
        `steady ${steady.targetOrdersPerSecond} orders/s for ${STEADY.seconds} s (${steady.orders} orders, posted at ${steady.achievedOrdersPerSecond}/s): POST → delivered p50 ${steady.p50Ms} ms, p90 ${steady.p90Ms} ms, p99 ${steady.p99Ms} ms, max ${steady.maxMs} ms\n`,
      );
      process.stdout.write(`  hops (p50/p99 ms): ${describeHops(steady.hops)}\n`);
      process.stdout.write(`  ${describeCpuUsage(steady.cpu, 'order')}\n`);
    }
    const atTarget = runs.find((run) => run.targetOrdersPerSecond === TARGET.atOrdersPerSecond);

    const result = {
      benchmark: 'orders',
      date: new Date().toISOString(),
      environment: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, brokers: testKafkaBrokers() },
      setup: { services: ['order', 'invoicing'], processes: 2, customers: CUSTOMERS, subsidiaries: Object.keys(baskets) },
      capacity: { ...burst, cpu: burstCpu },
      steady: runs,
      target: TARGET,
      meetsTarget: atTarget !== undefined && atTarget.p99Ms <= TARGET.p99Ms,
    };
    const file = writeResults('orders', result);
    process.stdout.write(`target p99 ≤ ${TARGET.p99Ms} ms at ${TARGET.atOrdersPerSecond} orders/s: ${result.meetsTarget ? 'met' : 'NOT met'}\nwritten to ${file}\n`);
  } catch (error) {
    for (const name of ['order', 'invoicing'] as const) process.stderr.write(`--- ${name} (last lines)\n${platform.logOf(name).slice(-3_000)}\n`);
    throw error;
  } finally {
    await watcher.stop().catch(() => undefined);
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
