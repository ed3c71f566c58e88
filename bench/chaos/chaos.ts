// The chaos run (issue #8): many customers of six subsidiaries order monthly services of every
// universe (at least 5,000 services), some with cards that are declined at the order or at the
// renewal; the shared test clock then moves through two renewals with dunning, suspension and
// termination. Meanwhile each service is SIGKILLed at random points and restarted, the broker is
// stopped and restarted, each service's PostgreSQL sessions are terminated, and real events are
// produced again and garbage is produced on every topic. Once everything has drained, the
// invariants are checked on what reached the topics: nothing lost, doubled or gapped, every
// malformed message dead-lettered. Prints the report, writes bench/results/chaos.json, exits 1 on
// any violation.
//
//   npm run chaos   (CHAOS_SERVICES=5000, CHAOS_CUSTOMERS=400, CHAOS_CONCURRENCY=8, CHAOS_ROUNDS=2, CHAOS_FAULT_GAP_MS=10000,40000,
//                    CHAOS_KAFKA_PORT=19092)
import * as os from 'node:os';
import { writeResults } from '../results-file';
import { FaultInjector, type FaultRecord } from './faults';
import { Harness, log, platformServices } from './harness';
import { checkChaosInvariants, distinctEvents, type InvariantResult } from './invariants';
import { externalInvariantChecks } from './external-checker';
import type { Customer, PayingProfile, PlacedOrder } from './workload';

const TARGET_SERVICES = Number(process.env.CHAOS_SERVICES ?? 5_000);
const CUSTOMERS = Number(process.env.CHAOS_CUSTOMERS ?? 400);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 8);
/** Each round: every service killed, the broker restarted, every database cut, duplicates, poison. */
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 2);
/** The pause before each fault, a random number of ms between the two. */
const FAULT_GAP_MS = (process.env.CHAOS_FAULT_GAP_MS ?? '10000,40000').split(',').map(Number) as [number, number];
const ORDERED_ON = '2027-01-10T09:00:00Z';
/**
 * Monthly services ordered on Jan 10 expire on Feb 10: renewal invoice 7 days before (charged),
 * dunning retries on +1, +3 and +7 days, unpaid at expiration, suspended 7 days later, terminated
 * after 30 days of grace; the good ones renew again on Mar 3 for Apr 10.
 */
const CLOCK_STEPS = ['2027-02-03T06:00:00Z', '2027-02-04T06:00:00Z', '2027-02-06T06:00:00Z', '2027-02-10T06:00:00Z', '2027-02-18T06:00:00Z', '2027-03-13T06:00:00Z'];
const RENEWALS_PER_GOOD_SERVICE = 2;

/** One customer in twenty orders with a declined card, three renew with a failing one. */
function profileOf(index: number): PayingProfile {
  const slot = index % 20;
  if (slot === 0) return 'declinedAtOrder';
  if (slot === 1 || slot === 2) return 'retryable';
  if (slot === 3) return 'refused';
  return 'good';
}

async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += size) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, offset) => make(start + offset)))));
  }
  return results;
}

function summariseFaults(faults: FaultRecord[]) {
  const byKind: Record<string, Record<string, number>> = {};
  for (const fault of faults) {
    byKind[fault.kind] ??= {};
    byKind[fault.kind][fault.target] = (byKind[fault.kind][fault.target] ?? 0) + 1;
  }
  return byKind;
}

async function main(): Promise<void> {
  const started = Date.now();
  const phases: Record<string, number> = {};
  const harness = await Harness.start('chaos');
  const { platform, recorder, workload } = harness;
  const injector = new FaultInjector(platform, harness.broker, recorder, platformServices);
  await injector.start();
  let workloadDone = false;
  let faultLoop: Promise<void> | undefined;
  try {
    await workload.moveClock(ORDERED_ON, platformServices);
    let phase = Date.now();
    const customers: Customer[] = await inBatches(CUSTOMERS, 20, (index) => workload.registerCustomer(index, profileOf(index)));
    phases.registerSeconds = (Date.now() - phase) / 1_000;
    log(`${customers.length} customers in ${[...new Set(customers.map((c) => c.subsidiary))].join(', ')}; profiles ${JSON.stringify(countBy(customers.map((c) => c.profile)))}`);

    // the faults run from now on, at random moments of the workload
    faultLoop = injector.run({ rounds: ROUNDS, gapMs: FAULT_GAP_MS, workloadDone: () => workloadDone, log });

    // orders until the paid ones hold the target number of services: 1 to 3 items each
    phase = Date.now();
    const orders: PlacedOrder[] = [];
    let deliverableItems = 0;
    let sequence = 0;
    const client = async () => {
      while (deliverableItems < TARGET_SERVICES) {
        const mine = sequence++;
        const customer = customers[mine % customers.length];
        const items = 1 + (mine % 3);
        if (customer.profile !== 'declinedAtOrder') deliverableItems += items;
        orders.push(await workload.placeOrder(customer, mine, items));
        if (orders.length % 500 === 0) log(`${orders.length} orders placed (${deliverableItems} services to deliver)`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    phases.orderingSeconds = (Date.now() - phase) / 1_000;
    log(`${orders.length} orders placed in ${phases.orderingSeconds.toFixed(0)} s; waiting for their delivery…`);
    phase = Date.now();
    await harness.drain('the orders');
    phases.deliverySeconds = (Date.now() - phase) / 1_000;
    const activated = distinctEvents(recorder.events).events.filter((e) => e.type === 'ServiceActivated').length;
    log(`${activated} services active`);

    const failing = customers.filter((customer) => customer.profile === 'retryable' || customer.profile === 'refused');
    await inBatches(failing.length, 20, (index) => workload.switchToFailingCard(failing[index]));
    log(`${failing.length} customers now have a card that fails`);

    phase = Date.now();
    for (const instant of CLOCK_STEPS) {
      await workload.moveClock(instant, platformServices);
      const took = await harness.drain(`the clock at ${instant}`);
      const events = distinctEvents(recorder.events).events;
      const count = (type: string) => events.filter((e) => e.type === type).length;
      log(`clock ${instant}: drained in ${(took / 1_000).toFixed(0)} s — renewal invoices ${count('RenewalInvoiceRequested')}, renewed ${count('RenewalSucceeded')}, retries ${count('RenewalPaymentRetryScheduled')}, suspended ${count('ServiceSuspended')}, terminated ${count('ServiceTerminated')}`);
    }
    phases.renewalSeconds = (Date.now() - phase) / 1_000;

    workloadDone = true;
    log('workload done; finishing the round of faults in hand…');
    await faultLoop;
    phase = Date.now();
    await harness.drain('after the last fault');
    phases.finalDrainSeconds = (Date.now() - phase) / 1_000;

    const results: InvariantResult[] = checkChaosInvariants(recorder.events, recorder.deadLetters, {
      orders,
      failingCustomers: new Set(failing.map((customer) => customer.customerId)),
      renewalsPerGoodService: RENEWALS_PER_GOOD_SERVICE,
      poison: injector.poison,
    });
    const external = await externalInvariantChecks(platform, harness.broker.brokers, injector.poison).catch((error: Error) => ({
      ran: false,
      note: `checkInvariants failed to run: ${error.message}`,
      results: [] as InvariantResult[],
    }));
    const report = buildReport({ started, phases, customers, orders, injector, harness, results, external });
    printReport(report);
    log(`written to ${writeResults('chaos', report)}`);
    if (!report.passed) process.exitCode = 1;
  } catch (error) {
    workloadDone = true;
    for (const name of platformServices) process.stderr.write(`--- ${name} (last lines)\n${platform.logOf(name).slice(-3_000)}\n`);
    throw error;
  } finally {
    workloadDone = true;
    await faultLoop?.catch(() => undefined);
    await injector.stop();
    await harness.stop();
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

interface ReportInput {
  started: number;
  phases: Record<string, number>;
  customers: Customer[];
  orders: PlacedOrder[];
  injector: FaultInjector;
  harness: Harness;
  results: InvariantResult[];
  external: { ran: boolean; note: string; results: InvariantResult[] };
}

function buildReport({ started, phases, customers, orders, injector, harness, results, external }: ReportInput) {
  const { events, copies } = distinctEvents(harness.recorder.events);
  const count = (type: string) => events.filter((e) => e.type === type).length;
  const all = [...results, ...external.results];
  const violations = (category: string) => all.filter((r) => r.category === category).reduce((sum, r) => sum + r.violations, 0);
  const faultCounts = summariseFaults(injector.faults);
  // the run is only meaningful if every fault really happened
  const coverage = {
    everyServiceKilled: platformServices.every((name) => (faultCounts.kill?.[name] ?? 0) >= 1),
    brokerRestarted: Object.values(faultCounts['broker-restart'] ?? {}).reduce((a, b) => a + b, 0) >= 1,
    everyDatabaseCut: platformServices.every((name) => (faultCounts['pg-terminate']?.[name] ?? 0) >= 1),
    duplicatesAndMalformed: injector.duplicatesInjected > 0 && injector.poison.length > 0,
  };
  return {
    benchmark: 'chaos',
    date: new Date().toISOString(),
    environment: { node: process.version, cpus: os.cpus().length, brokers: harness.broker.brokers, topicPrefix: harness.platform.topicPrefix },
    durationSeconds: Math.round((Date.now() - started) / 1_000),
    phases,
    faults: {
      counts: faultCounts,
      duplicatesInjected: injector.duplicatesInjected,
      malformedInjected: countBy(injector.poison.map((p) => p.kind)),
      crashes: injector.crashes,
      bootFailuresRetried: injector.bootFailures,
      log: injector.faults,
    },
    load: {
      customers: customers.length,
      customerProfiles: countBy(customers.map((c) => c.profile)),
      ordersPlaced: orders.length,
      itemsOrdered: orders.reduce((sum, order) => sum + order.items, 0),
      ordersDelivered: count('OrderDelivered'),
      // OrderNotPaid is published for every order once invoiced (awaiting payment), again when its payment fails
      ordersPaymentFailed: events.filter((e) => e.type === 'OrderNotPaid' && e.data.reason === 'paymentFailed').length,
      servicesActivated: count('ServiceActivated'),
      renewalInvoicesRequested: count('RenewalInvoiceRequested'),
      renewalsSucceeded: count('RenewalSucceeded'),
      dunningRetries: count('RenewalPaymentRetryScheduled'),
      servicesSuspended: count('ServiceSuspended'),
      servicesTerminated: count('ServiceTerminated'),
      invoicesIssued: count('InvoiceIssued'),
      payments: count('InvoicePaid'),
      paymentFailures: count('InvoicePaymentFailed'),
      eventsOnTopics: events.length,
      copiesOnTopics: copies,
      deadLetters: harness.recorder.deadLetters.length,
      deadLettersPerGroup: countBy(harness.recorder.deadLetters.map((d) => d.consumerGroup.slice(harness.platform.topicPrefix.length + 1))),
      clientCallsRetried: harness.workload.retriedCalls,
    },
    invariants: all,
    externalChecker: { ran: external.ran, note: external.note },
    coverage,
    outcome: { lost: violations('lost'), doubled: violations('doubled'), gapped: violations('gapped'), strayOrMissingDeadLetters: violations('dead-letters'), crashes: injector.crashes.length },
    passed: all.every((r) => r.violations === 0) && injector.crashes.length === 0 && Object.values(coverage).every(Boolean),
  };
}

function printReport(report: ReturnType<typeof buildReport>): void {
  const lines = [
    '',
    `CHAOS RUN — ${report.durationSeconds} s, ${report.load.servicesActivated} services`,
    'faults injected:',
    ...Object.entries(report.faults.counts).map(([kind, targets]) => `  ${kind.padEnd(15)} ${Object.entries(targets).map(([target, n]) => `${target}×${n}`).join(', ')}`),
    `  duplicates: ${report.faults.duplicatesInjected} messages re-produced; malformed: ${JSON.stringify(report.faults.malformedInjected)}; crashes on their own: ${report.faults.crashes.length}`,
    'load held:',
    ...Object.entries(report.load).map(([name, value]) => `  ${name.padEnd(26)} ${typeof value === 'object' ? JSON.stringify(value) : value}`),
    'invariants:',
    ...report.invariants.map((r) => `  ${r.violations === 0 ? 'ok  ' : 'FAIL'} ${r.name} — ${r.checked} checked, ${r.violations} violations${r.examples.length ? `\n         ${r.examples.join('\n         ')}` : ''}`),
    `  external checker: ${report.externalChecker.note}`,
    `coverage: ${JSON.stringify(report.coverage)}`,
    `lost ${report.outcome.lost}, doubled ${report.outcome.doubled}, gapped ${report.outcome.gapped}, dead letters wrong ${report.outcome.strayOrMissingDeadLetters}, crashes ${report.outcome.crashes} → ${report.passed ? 'PASSED' : 'FAILED'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
