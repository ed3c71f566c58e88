// Sustained load (issue #8): orders and renewals together at 70 % of the platform's measured
// capacity, for 10 minutes, on the four services as processes (built, as their image runs them)
// with their own broker. Every ~10 s it samples the lag of each consumer group, and the RSS and V8
// heap in use of each service process; they must stay flat: the report gives each series'
// least-squares slope and its first-third vs last-third mean (the rule is at the verdict below).
//
// The renewal load is steady by construction: before the measured window, customers order on 30
// consecutive days of the test clock (the seed; each day's services active before the next day),
// so their services fall due one cohort per day;
// during the window the clock moves 12 days (one day every 50 s in 10 minutes), so a cohort renews
// every 50 s, while the services ordered in the window itself fall due (and get their first
// reminder) only after it.
//
//   npm run bench:sustained   (SUSTAINED_MINUTES=10, SUSTAINED_MAX_RATE to skip measuring the capacity,
//                              SUSTAINED_SEED_ORDERS_PER_DAY=30, SUSTAINED_BURST=600,
//                              SUSTAINED_SAMPLE_SECONDS=10, SUSTAINED_HEAP_SNAPSHOTS=order,… for a
//                              V8 heap snapshot of those services, idle, before the window and
//                              after its drain, and what grew between them; the last run's
//                              snapshots stay in bench/results/heap/ for DevTools),
//                              SUSTAINED_MEMORY_LIMIT=1Gi (each service's, as its pod's; `none`))
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PlatformServiceName } from '@billing/service-testing';
import { Temporal } from 'temporal-polyfill';
import { CpuWindow, describeCpuUsage, type CpuUsage } from '../cpu-usage';
import { Harness, log, platformServices } from './harness';
import { compareHeapSnapshots, describeHeapGrowth, heapSnapshotEnv, takeHeapSnapshot } from './heap-snapshots';
import { renderPng, renderSvg, type Panel } from './plot';
import { keptLevel, trend } from './trends';
import type { Customer, PlacedOrder } from './workload';

const MINUTES = Number(process.env.SUSTAINED_MINUTES ?? 10);
const SAMPLE_SECONDS = Number(process.env.SUSTAINED_SAMPLE_SECONDS ?? 10);
const SEED_ORDERS_PER_DAY = Number(process.env.SUSTAINED_SEED_ORDERS_PER_DAY ?? 30);
const BURST = Number(process.env.SUSTAINED_BURST ?? 600);
const HEAP_SNAPSHOTS = (process.env.SUSTAINED_HEAP_SNAPSHOTS ?? '').split(',').filter((name): name is PlatformServiceName => (platformServices as string[]).includes(name));
/**
 * Each service runs under its pod's memory limit (k8s/overlays/prod: 1Gi), in a cgroup of its own
 * where this machine allows one. Node sizes its heap from that limit (524 MB in 1 GiB), and V8 lets
 * a heap of that size grow to less than twice what a full collection keeps. Without it, node sizes
 * the heap from the host (4 GB here) and V8 lets it grow to four times that before it collects: a
 * run showed the order service's RSS climbing from 174 to 210 MB over 10 minutes while its heap
 * after each full collection stayed at 60 MB, a curve no pod of ours would show.
 */
const MEMORY_LIMIT = process.env.SUSTAINED_MEMORY_LIMIT === 'none' ? undefined : (process.env.SUSTAINED_MEMORY_LIMIT ?? '1Gi');
const WARM_UP_ORDERS = 150;
const WARM_UP_RATE = 10;
/**
 * The window moves the clock 12 days, whatever its length (one day every 50 s in 10 minutes): a
 * service ordered in the window gets its first reminder 15 days before it expires (13 days after
 * its order in February), so it stays out of the window and the renewal-side load is the seed's
 * cohorts alone, the same from start to end. (A 20-minute window at 50 s a day brought the window's
 * own services due in its last minutes: renewals went from 0.9/s to 8/s.)
 */
const SECONDS_PER_CLOCK_DAY = (MINUTES * 60) / 12;
const CUSTOMERS = 150;
const LOAD_SHARE = 0.7;
const MAX_IN_FLIGHT = 32;
const START = Temporal.Instant.from('2027-01-01T09:00:00Z');
const results = path.join(__dirname, '..', 'results');
const heapSnapshotDirectory = path.join(results, 'heap');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  t: number;
  lag: Record<string, number>;
  outboxPending: number;
  rssMb: Record<string, number>;
  /** V8 heap in use per service (from its /metrics), which a leak grows whatever the allocator keeps */
  heapUsedMb: Record<string, number>;
  ordersPosted: number;
  ordersDelivered: number;
  renewalsSucceeded: number;
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

async function heapUsedMb(baseUrl: string): Promise<number> {
  try {
    const metrics = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    return Math.round(Number(/^nodejs_heap_size_used_bytes(?:{[^}]*})? (\S+)$/m.exec(metrics)?.[1] ?? 0) / 2 ** 20);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  if (HEAP_SNAPSHOTS.length > 0) rmSync(heapSnapshotDirectory, { recursive: true, force: true });
  const harness = await Harness.start('sustained', Object.fromEntries(HEAP_SNAPSHOTS.map((name) => [name, heapSnapshotEnv(heapSnapshotDirectory)])), MEMORY_LIMIT);
  const { platform, recorder, workload } = harness;
  const memoryLimits = Object.fromEntries(platformServices.map((name) => [name, platform.memoryLimitOf(name) ?? 'none']));
  log(`memory limit per service: ${Object.entries(memoryLimits).map(([name, limit]) => `${name} ${limit}`).join(', ')}`);
  const servicePids = () => Object.fromEntries(platformServices.map((name) => [name, platform.pidOf(name)]));
  const delivered = () => recorder.countOf('OrderDelivered');
  const runningPid = (name: PlatformServiceName) => {
    const pid = platform.pidOf(name);
    if (pid === undefined) throw new Error(`${name} does not run`);
    return pid;
  };
  try {
    await workload.moveClock(START.toString(), platformServices);
    const customers: Customer[] = [];
    for (let index = 0; index < CUSTOMERS; index += 20) {
      customers.push(...(await Promise.all(Array.from({ length: Math.min(20, CUSTOMERS - index) }, (_, k) => workload.registerCustomer(index + k, 'good')))));
    }
    log(`${customers.length} customers with a card`);
    let sequence = 0;
    const order = (items = 1 + (sequence % 2)) => {
      const mine = sequence++;
      return workload.placeOrder(customers[mine % customers.length], mine, items);
    };

    // capacity: a backlog of orders from 32 clients, orders/s until all their work is done. A warm-up
    // first (connections, JIT, consumer assignments), or a cold platform measures well below its
    // capacity and the window's 70 % is no load at all
    let maxRate = Number(process.env.SUSTAINED_MAX_RATE ?? 0);
    let capacity: { orders: number; seconds: number; ordersPerSecond: number; deliveredAfterSeconds: number; cpu?: CpuUsage } | undefined;
    if (!maxRate) {
      const warmUp = performance.now();
      const warmUpOrders: Promise<PlacedOrder>[] = [];
      for (let posted = 0; posted < WARM_UP_ORDERS; posted++) {
        warmUpOrders.push(order());
        await sleep(Math.max(0, warmUp + ((posted + 1) * 1_000) / WARM_UP_RATE - performance.now()));
      }
      await Promise.all(warmUpOrders);
      await harness.drain('the warm-up');
      const burst = BURST;
      const before = delivered();
      const burstCpu = new CpuWindow(servicePids());
      const started = performance.now();
      let posted = 0;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (posted < burst) {
          posted++;
          await order();
        }
      }));
      while (delivered() < before + burst) await sleep(100);
      const deliveredSeconds = (performance.now() - started) / 1_000;
      // an order's work does not end at OrderDelivered: its services are activated, scheduled for
      // renewal and billed in the read models after it. The capacity is the rate at which the whole
      // of it is done (every group caught up, every outbox empty); counting up to the delivery only
      // measured a rate the platform could not hold for 10 minutes (lag grew ~250 messages a minute)
      const caughtUp = () => harness.drainState().then((state) => state.totalLag === 0 && state.outboxPending === 0 && state.moneyInFlight === 0, () => false);
      const deadline = performance.now() + 600_000;
      while (!(await caughtUp())) {
        if (performance.now() > deadline) throw new Error(`the capacity burst's work not done 10 minutes after its last delivery`);
        await sleep(250);
      }
      const seconds = (performance.now() - started) / 1_000;
      maxRate = burst / seconds;
      const cpu = burstCpu.close(burst);
      capacity = { orders: burst, seconds: Number(seconds.toFixed(1)), ordersPerSecond: Number(maxRate.toFixed(1)), deliveredAfterSeconds: Number(deliveredSeconds.toFixed(1)), cpu };
      log(`capacity: ${burst} orders delivered in ${deliveredSeconds.toFixed(1)} s, all their work done in ${seconds.toFixed(1)} s → ${maxRate.toFixed(1)} orders/s end to end`);
      log(`  ${describeCpuUsage(cpu, 'order')}`);
    }
    await harness.drain('the capacity burst');

    // the seed: orders on 30 consecutive days, so that their services fall due one cohort per day.
    // A service is anchored on the day its order is delivered, not placed: each day's services are
    // waited for before the clock moves, or the cohorts would pile up on the last days of the seed
    // and the renewal load would ramp up inside the window instead of being steady from its start.
    const activated = () => recorder.countOf('ServiceActivated');
    const beforeSeed = activated();
    let seeded = beforeSeed;
    for (let day = 0; day < 30; day++) {
      await workload.moveClock(START.add({ hours: 24 * day }).toString(), platformServices);
      for (let start = 0; start < SEED_ORDERS_PER_DAY; start += MAX_IN_FLIGHT) {
        const placedToday = await Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT, SEED_ORDERS_PER_DAY - start) }, () => order()));
        seeded += placedToday.reduce((sum, placedOrder) => sum + placedOrder.items, 0);
      }
      const deadline = performance.now() + 120_000;
      while (activated() < seeded) {
        if (performance.now() > deadline) throw new Error(`seed day ${day}: ${activated()} of ${seeded} services activated after 120 s`);
        await sleep(100);
      }
    }
    await harness.drain('the seed orders');
    // the capacity burst's services (anchored on the first day) renewed during the seed and fall due again after the window
    const seededServices = activated() - beforeSeed;
    const renewalsPerSecond = seededServices / 30 / SECONDS_PER_CLOCK_DAY;
    // a renewal costs about what an order costs (an invoice issued and charged, an event back)
    const orderRate = Math.max(1, LOAD_SHARE * maxRate - renewalsPerSecond);
    log(`${seededServices} services seeded over 30 days: ~${renewalsPerSecond.toFixed(1)} renewals/s; orders at ${orderRate.toFixed(1)}/s (70 % of ${maxRate.toFixed(1)}/s in all)`);
    // snapshots with the platform idle, before the window and after its drain: what the second one
    // holds more than the first is what the window's load left behind
    const snapshotsBefore = new Map<PlatformServiceName, string>();
    for (const name of HEAP_SNAPSHOTS) {
      snapshotsBefore.set(name, await takeHeapSnapshot(runningPid(name), heapSnapshotDirectory));
      log(`heap snapshot of ${name} before the window: ${snapshotsBefore.get(name)}`);
    }

    // the measured window: orders at a steady rate, the clock one day per SECONDS_PER_CLOCK_DAY, samples every 10 s
    const windowStart = performance.now();
    const windowCpu = new CpuWindow(servicePids());
    const windowMs = MINUTES * 60_000;
    const clockStart = START.add({ hours: 24 * 30 });
    await workload.moveClock(clockStart.toString(), platformServices);
    const samples: Sample[] = [];
    const placed: Promise<PlacedOrder>[] = [];
    const renewedBefore = recorder.countOf('RenewalSucceeded');
    let stop = false;
    // open loop at the target rate, but never more than MAX_IN_FLIGHT calls waiting: an overloaded
    // platform shows as a lower achieved rate, not as a pile of requests that times out and retries
    let inFlight = 0;
    const poster = (async () => {
      while (!stop) {
        const due = Math.floor(((performance.now() - windowStart) / 1_000) * orderRate);
        while (placed.length < due && inFlight < MAX_IN_FLIGHT) {
          inFlight++;
          placed.push(order().finally(() => inFlight--));
        }
        await sleep(20);
      }
    })();
    const clock = (async () => {
      for (let step = 1; !stop; step++) {
        await sleep(10_000);
        if (stop) break;
        await workload.moveClock(clockStart.add({ minutes: Math.round((step * 10 * 24 * 60) / SECONDS_PER_CLOCK_DAY) }).toString(), platformServices).catch((error: Error) => log(`clock: ${error.message}`));
      }
    })();
    while (performance.now() - windowStart < windowMs) {
      await sleep(SAMPLE_SECONDS * 1_000 - ((performance.now() - windowStart) % (SAMPLE_SECONDS * 1_000)));
      const state = await harness.drainState().catch(() => undefined);
      const sample: Sample = {
        t: Math.round((performance.now() - windowStart) / 1_000),
        lag: state?.lag ?? {},
        outboxPending: state?.outboxPending ?? 0,
        rssMb: Object.fromEntries(platformServices.map((name) => [name, rssMb(platform.pidOf(name))])),
        heapUsedMb: Object.fromEntries(await Promise.all(platformServices.map(async (name) => [name, await heapUsedMb(platform.url(name))] as const))),
        ordersPosted: placed.length,
        ordersDelivered: recorder.countOf('OrderDelivered'),
        renewalsSucceeded: recorder.countOf('RenewalSucceeded') - renewedBefore,
      };
      samples.push(sample);
      log(`t=${String(sample.t).padStart(4)} s  lag ${Object.values(sample.lag).reduce((a, b) => a + b, 0)}  outbox ${sample.outboxPending}  rss/heap ${platformServices.map((name) => `${name} ${sample.rssMb[name]}/${sample.heapUsedMb[name]}`).join(', ')} MB  orders ${sample.ordersPosted}/${sample.ordersDelivered}  renewals ${sample.renewalsSucceeded}`);
    }
    stop = true;
    const last = samples[samples.length - 1];
    // per order posted in the window (its renewals ride along): how close to saturation the load ran
    const cpu = windowCpu.close(last.ordersPosted);
    await Promise.all([poster, clock]);
    await Promise.all(placed);
    const drainMs = await harness.drain('after the window');
    const heapGrowth: string[] = [];
    for (const [name, before] of snapshotsBefore) {
      const after = await takeHeapSnapshot(runningPid(name), heapSnapshotDirectory);
      heapGrowth.push(describeHeapGrowth(name, compareHeapSnapshots(before, after)));
    }

    // figures
    const groups = [...new Set(samples.flatMap((s) => Object.keys(s.lag)))];
    const lagSeries = groups.map((group) => ({ name: group, points: samples.map((s) => ({ t: s.t, value: s.lag[group] ?? 0 })) }));
    const rssSeries = platformServices.map((name) => ({ name, points: samples.map((s) => ({ t: s.t, value: s.rssMb[name] })) }));
    const heapKeptSeries = platformServices.map((name) => ({ name, points: keptLevel(samples.map((s) => ({ t: s.t, value: s.heapUsedMb[name] }))) }));
    const rssKeptSeries = platformServices.map((name) => ({ name, points: keptLevel(samples.map((s) => ({ t: s.t, value: s.rssMb[name] }))) }));
    const totalLag = { name: 'all groups', points: samples.map((s) => ({ t: s.t, value: Object.values(s.lag).reduce((a, b) => a + b, 0) })) };
    const windowSeconds = (windowMs / 1_000);
    const report = {
      benchmark: 'sustained',
      date: new Date().toISOString(),
      environment: { node: process.version, cpus: os.cpus().length, brokers: harness.broker.brokers, memoryLimits },
      capacity: capacity ?? { ordersPerSecond: maxRate, note: 'SUSTAINED_MAX_RATE' },
      load: {
        minutes: MINUTES,
        share: LOAD_SHARE,
        ordersPerSecondTarget: Number(orderRate.toFixed(2)),
        ordersPosted: last.ordersPosted,
        ordersPerSecondAchieved: Number((last.ordersPosted / windowSeconds).toFixed(2)),
        renewalsPerSecondTarget: Number(renewalsPerSecond.toFixed(2)),
        renewalsSucceeded: last.renewalsSucceeded,
        renewalsPerSecondAchieved: Number((last.renewalsSucceeded / windowSeconds).toFixed(2)),
        seededServices,
        drainedAfterWindowSeconds: Math.round(drainMs / 1_000),
        cpu,
      },
      trends: {
        lagAllGroups: trend(totalLag.points),
        lagPerGroup: Object.fromEntries(lagSeries.map((series) => [series.name, trend(series.points)])),
        rssMbPerService: Object.fromEntries(rssSeries.map((series) => [series.name, trend(series.points)])),
        rssKeptMbPerServiceSecondHalf: Object.fromEntries(rssKeptSeries.map((series) => [series.name, trend(series.points.filter((p) => p.t > windowSeconds / 2))])),
        heapKeptMbPerService: Object.fromEntries(heapKeptSeries.map((series) => [series.name, trend(series.points)])),
      },
      samples,
    };
    // flat: lag bounded (its last third no higher than its first third plus slack), and memory,
    // each on its level kept (the lowest sample of the last 3 minutes: the heap right after a full
    // collection, which V8 can put off for a minute or more while the heap doubles):
    // - the heap a service keeps grows < 1 MB/min: a leak of JavaScript objects shows there;
    // - its RSS kept grows < 2 MB/min over the second half: the allocator keeps the pages the heap
    //   and buffers reached at their highest, so RSS climbs to a plateau in the first minutes of a
    //   load (a heap snapshot, too, leaves it higher), and only a growth that goes on is a leak
    //   (of native memory or buffers, which the heap does not show)
    const lagFlat = report.trends.lagAllGroups.lastThirdMean <= report.trends.lagAllGroups.firstThirdMean * 1.5 + 50;
    const heapFlat = Object.values(report.trends.heapKeptMbPerService).every((t) => t.slopePerMinute < 1);
    const rssFlat = Object.values(report.trends.rssKeptMbPerServiceSecondHalf).every((t) => t.slopePerMinute < 2);
    const verdict = { lagFlat, heapFlat, rssFlat };

    mkdirSync(results, { recursive: true });
    writeFileSync(path.join(results, 'sustained.json'), `${JSON.stringify({ ...report, verdict }, null, 2)}\n`);
    const header = ['t_s', ...groups.map((g) => `lag_${g}`), 'lag_total', 'outbox_pending', ...platformServices.map((n) => `rss_mb_${n}`), ...platformServices.map((n) => `heap_used_mb_${n}`), 'orders_posted', 'orders_delivered', 'renewals'];
    const rows = samples.map((s) => [s.t, ...groups.map((g) => s.lag[g] ?? 0), Object.values(s.lag).reduce((a, b) => a + b, 0), s.outboxPending, ...platformServices.map((n) => s.rssMb[n]), ...platformServices.map((n) => s.heapUsedMb[n]), s.ordersPosted, s.ordersDelivered, s.renewalsSucceeded].join(','));
    writeFileSync(path.join(results, 'sustained.csv'), `${header.join(',')}\n${rows.join('\n')}\n`);
    const panels: Panel[] = [
      { title: 'Consumer lag per group', unit: 'messages', series: [totalLag, ...lagSeries] },
      { title: 'RSS per service', unit: 'MB', series: rssSeries },
      { title: 'V8 heap kept per service (lowest of the last 3 minutes)', unit: 'MB', series: heapKeptSeries },
    ];
    writeFileSync(path.join(results, 'sustained.png'), renderPng(panels));
    writeFileSync(path.join(results, 'sustained.svg'), renderSvg(panels));

    const table = [
      '',
      `SUSTAINED LOAD — ${MINUTES} min at 70 % of ${maxRate.toFixed(1)} orders/s: orders ${report.load.ordersPerSecondAchieved}/s (target ${report.load.ordersPerSecondTarget}), renewals ${report.load.renewalsPerSecondAchieved}/s (target ${report.load.renewalsPerSecondTarget})`,
      `window ${describeCpuUsage(cpu, 'order')}`,
      `${'series'.padEnd(44)} ${'slope/min'.padStart(10)} ${'1st third'.padStart(10)} ${'last third'.padStart(10)} ${'max'.padStart(8)}`,
      ...[['lag, all groups', report.trends.lagAllGroups] as const, ...Object.entries(report.trends.lagPerGroup).map(([g, t]) => [`lag ${g}`, t] as const), ...Object.entries(report.trends.rssMbPerService).map(([n, t]) => [`rss MB ${n}`, t] as const), ...Object.entries(report.trends.rssKeptMbPerServiceSecondHalf).map(([n, t]) => [`rss MB ${n}, kept, second half`, t] as const), ...Object.entries(report.trends.heapKeptMbPerService).map(([n, t]) => [`heap MB ${n}, kept`, t] as const)].map(
        ([name, t]) => `${name.padEnd(44)} ${String(t.slopePerMinute).padStart(10)} ${String(t.firstThirdMean).padStart(10)} ${String(t.lastThirdMean).padStart(10)} ${String(t.max).padStart(8)}`,
      ),
      `lag flat: ${lagFlat ? 'yes' : 'NO'}; heap kept flat (< 1 MB/min): ${heapFlat ? 'yes' : 'NO'}; RSS kept flat over the second half (< 2 MB/min): ${rssFlat ? 'yes' : 'NO'}; drained ${report.load.drainedAfterWindowSeconds} s after the window`,
      'written: bench/results/sustained.json, sustained.csv, sustained.png, sustained.svg',
      ...heapGrowth,
    ];
    process.stdout.write(`${table.join('\n')}\n`);
    if (!lagFlat || !heapFlat || !rssFlat) process.exitCode = 1;
  } catch (error) {
    for (const name of platformServices) process.stderr.write(`--- ${name} (last lines)\n${platform.logOf(name).slice(-3_000)}\n`);
    throw error;
  } finally {
    await harness.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
