// `npm run demo`: a year of the platform in a few minutes. The four services run as processes on
// databases of their own (test_demo_*, never the ones `npm start` uses) and the local broker;
// a few hundred simulated customers across subsidiaries and universes order in one click, and the
// shared test clock moves through 13 months in steps of a few days — every renewal day, reminder,
// dunning retry and termination happens on its date — each step waiting until the platform has
// caught up. Prints a report (orders, invoices and revenue per subsidiary and currency, renewals,
// dunning, terminations, forecast against actual) and writes it as JSON to bench/results/demo.json.
//
//   npm run demo    (DEMO_CUSTOMERS, default 300; DEMO_MONTHS, default 13; DEMO_SEED; DEMO_QUICK=1: 40 customers, 4 months)
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken } from '@billing/auth';
import { topics } from '@billing/contracts';
import { PlatformUnderTest, type PlatformServiceName } from '@billing/service-testing';
import { testKafka } from '@billing/testing';
import { startBenchBroker } from '../broker';
import type { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { Temporal } from 'temporal-polyfill';
import { writeResults } from '../results-file';
import { CatchUp } from './caught-up';
import { CustomerAgent, type Mailbox } from './customer-agent';
import { drawPopulation } from './population';
import { ProgressBar, note } from './progress';
import { gatherReport, renderReport, type ForecastTaken } from './report';

const quick = process.env.DEMO_QUICK === '1';
const CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? (quick ? 40 : 300));
const MONTHS = Math.max(4, Number(process.env.DEMO_MONTHS ?? (quick ? 4 : 13)));
const SEED = Number(process.env.DEMO_SEED ?? 2027);
const START = '2027-01-04';
/**
 * The clock's steps in each month, a few days apart: the renewal scheduler takes every step due by
 * the clock's instant in order (reminders, invoice, retries, lapse, rupture, termination), so
 * nothing is skipped; customers react within days (most terms begin on the 4th: their invoice
 * and first retries fall before the 1st, the last retry on the 4th). The forecast is taken on the 22nd,
 * before the invoices of the terms that begin early next month are issued.
 */
const STEP_DAYS = [1, 4, 15, 22];
const FORECAST_DAY = '-22';
const LATE_ORDER_DAY = '-15';
const CONCURRENCY = 16;
const services: PlatformServiceName[] = ['order', 'subscription', 'renewal', 'invoicing'];

const instantOf = (date: string) => `${date}T09:00:00Z`;

/** The step dates after the start, through MONTHS months. */
function stepDates(): string[] {
  const start = Temporal.PlainDate.from(START);
  const end = start.add({ months: MONTHS });
  const dates: string[] = [];
  for (let month = start.with({ day: 1 }); Temporal.PlainDate.compare(month, end) <= 0; month = month.add({ months: 1 })) {
    for (const day of STEP_DAYS) {
      const date = month.with({ day });
      if (Temporal.PlainDate.compare(date, start) > 0 && Temporal.PlainDate.compare(date, end) <= 0) dates.push(date.toString());
    }
  }
  return dates;
}

const monthsSinceStart = (date: string) => {
  const [year, month] = date.split('-').map(Number);
  return (year - 2027) * 12 + month - 1;
};

/** Termination tokens read from the services topic, as the customer's e-mail would carry them. */
class TopicMailbox implements Mailbox {
  private readonly tokens = new Map<string, string>();
  private consumer?: Consumer;

  async start(topic: string): Promise<void> {
    this.consumer = testKafka('demo-mailbox').consumer({ groupId: `demo-mailbox-${randomUUID()}`, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const envelope = JSON.parse(String(message.value)) as { type: string; data: { serviceId: string; token?: string } };
        if (envelope.type === 'ServiceTerminationRequested' && envelope.data.token) this.tokens.set(envelope.data.serviceId, envelope.data.token);
      },
    });
  }

  async terminationToken(serviceId: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const token = this.tokens.get(serviceId);
      if (token) return token;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no termination e-mail for ${serviceId} within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Runs `work` on every item with a few concurrent clients, updating the bar as each one ends. */
async function inParallel<T>(items: T[], bar: ProgressBar | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const client = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
      bar?.update(++done);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
}

class Demo {
  private readonly forecasts: ForecastTaken[] = [];
  readonly warnings: string[] = [];
  /** where the time of the clock's steps went, in ms */
  readonly timings = { movingClock: 0, catchingUp: 0, customersActing: 0 };

  async timed<T>(what: keyof Demo['timings'], work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.timings[what] += Date.now() - started;
    }
  }

  constructor(
    private readonly platform: PlatformUnderTest,
    private readonly operatorToken: string,
    private readonly catchUp: CatchUp,
  ) {}

  private async operator<T>(service: PlatformServiceName, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.platform.url(service)}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.operatorToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Moves the shared clock and waits until every service runs on it. */
  async moveClock(date: string): Promise<void> {
    const instant = instantOf(date);
    const moved = await this.operator('renewal', 'POST', '/operator/clock', { set: instant });
    if (moved.status !== 200) throw new Error(`the clock did not move to ${instant}: ${moved.status} ${JSON.stringify(moved.body)}`);
    for (const name of services) {
      for (let tries = 0; ; tries++) {
        const now = (await this.operator<{ now: string }>(name, 'GET', '/operator/clock')).body.now;
        if (Date.parse(now) >= Date.parse(instant)) break;
        if (tries > 200) throw new Error(`${name} does not run at ${instant} (${now})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async settle(date: string): Promise<void> {
    const left = await this.catchUp.wait(instantOf(date));
    if (left) this.warnings.push(`${date}: went on without having caught up (${left})`);
  }

  async takeForecast(date: string): Promise<void> {
    const answer = await this.operator<ForecastTaken['totals'] extends infer T ? { totals: T } : never>('renewal', 'GET', '/forecast?window=30');
    const to = Temporal.PlainDate.from(date).add({ days: 29 }).toString();
    this.forecasts.push({ takenAt: instantOf(date), from: date, to, totals: answer.body.totals });
  }

  /** Orders of these customers, posted concurrently, then their deliveries (or not: a declined card). */
  async placeOrders(agents: CustomerAgent[], date: string, title: string): Promise<void> {
    if (agents.length === 0) return;
    const accounts = new ProgressBar('accounts', agents.length);
    await inParallel(agents, accounts, (agent) => agent.openAccount());
    accounts.done(date);
    const orders = new ProgressBar(title, agents.length);
    await inParallel(agents, orders, (agent) => agent.order());
    orders.done(`${date}, posted`);
    const ids = agents.map((agent) => agent.orderId as string);
    const settled = new ProgressBar('delivered', ids.length);
    const client = new Client({ connectionString: this.platform.databaseUrl('order') });
    await client.connect();
    try {
      const deadline = Date.now() + 600_000;
      for (;;) {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE order_id = ANY($1::uuid[]) AND status IN ('delivered', 'notPaid', 'cancelled')`, [ids]);
        settled.update(rows[0].n, 'delivered or not paid');
        if (rows[0].n >= ids.length) break;
        if (Date.now() > deadline) {
          this.warnings.push(`${date}: ${ids.length - rows[0].n} orders neither delivered nor refused after 10 minutes`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await client.end();
    }
    settled.done();
    await this.settle(date);
  }

  /** Every customer's move at this step (a few at a time); true when any of them did something. */
  async customersAct(agents: CustomerAgent[], date: string): Promise<boolean> {
    let acted = false;
    await inParallel(agents, undefined, async (agent) => {
      try {
        if (await agent.act(monthsSinceStart(date), date)) acted = true;
      } catch (error) {
        this.warnings.push(`${date}: ${(error as Error).message.slice(0, 160)}`);
      }
    });
    return acted;
  }

  forecastsTaken(): ForecastTaken[] {
    return this.forecasts;
  }
}

/** Set once the run stops (its end, or Ctrl-C): the errors of work cut short are no news then. */
let stopping = false;

async function main(): Promise<void> {
  const started = Date.now();
  await startBenchBroker();
  note(`starting order, subscription, renewal and invoicing as processes (databases test_demo_*)…`);
  const platform = await PlatformUnderTest.start({
    services,
    databaseLabel: 'demo',
    readyTimeoutMs: 240_000,
    serviceEnv: {
      renewal: { RENEWAL_SCHEDULER_INTERVAL_MS: '200' },
      subscription: { TERMINATION_SCHEDULER_INTERVAL_MS: '200' },
    },
  });
  const mailbox = new TopicMailbox();
  const catchUp = new CatchUp(platform);
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await mailbox.stop().catch(() => undefined);
    await catchUp.stop();
    await platform.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      note(`\n${signal}: stopping the services and dropping their databases…`);
      void stop().finally(() => process.exit(130));
    });
  }
  try {
    await mailbox.start(platform.topic(topics.services));
    const demo = new Demo(platform, await issueDevelopmentToken('operator-demo', { roles: ['operator'] }), catchUp);
    const runId = randomUUID().slice(0, 6);
    const population = drawPopulation(CUSTOMERS, MONTHS, START, SEED);
    const agents = population.map((profile) => new CustomerAgent(profile, platform, mailbox, runId));

    await demo.moveClock(START);
    await demo.placeOrders(
      agents.filter((agent) => agent.profile.orderMonth === 0),
      START,
      'orders',
    );

    const dates = stepDates();
    const clock = new ProgressBar('clock', dates.length);
    for (const [step, date] of dates.entries()) {
      clock.update(step, `${date}: moving the clock`);
      await demo.timed('movingClock', () => demo.moveClock(date));
      await demo.timed('catchingUp', () => demo.settle(date));
      if (date.endsWith(FORECAST_DAY)) await demo.takeForecast(date);
      const month = monthsSinceStart(date);
      const ordering = agents.filter((agent) => agent.profile.orderMonth === month && !agent.orderId && date.endsWith(LATE_ORDER_DAY));
      if (ordering.length > 0) {
        clock.update(step, `${date}: ${ordering.length} new orders`);
        for (const agent of ordering) await agent.openAccount();
        await Promise.all(ordering.map((agent) => agent.order()));
      }
      clock.update(step, `${date}: customers act`);
      const acted = await demo.timed('customersActing', () => demo.customersAct(agents, date));
      if (acted || ordering.length > 0) await demo.timed('catchingUp', () => demo.settle(date));
    }
    clock.done(dates.at(-1));

    note('gathering the report…');
    const report = await gatherReport(platform, demo.forecastsTaken(), dates.at(-1) ?? START);
    const behaviours: Record<string, number> = {};
    for (const profile of population) behaviours[profile.behaviour] = (behaviours[profile.behaviour] ?? 0) + 1;
    const context = { customers: CUSTOMERS, behaviours, from: START, to: dates.at(-1) ?? START, seconds: (Date.now() - started) / 1_000, timings: demo.timings, warnings: demo.warnings.slice(0, 30) };
    process.stdout.write(renderReport(report, context));
    const file = writeResults('demo', { demo: 'year', date: new Date().toISOString(), seed: SEED, ...context, warnings: demo.warnings, report });
    process.stdout.write(`\nwritten to ${file}\n`);
  } catch (error) {
    for (const name of services) process.stderr.write(`--- ${name} (last lines)\n${platform.logOf(name).slice(-2_000)}\n`);
    throw error;
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  // on Ctrl-C the signal handler drops the databases and exits: a query it cut short must not exit first
  if (stopping) return;
  console.error(error);
  process.exit(1);
});
