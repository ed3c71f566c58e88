// What the platform costs doing nothing: the four services as processes, on the local PostgreSQL
// and Kafka, started and left alone; then, over a window, the CPU each process spends per second
// (timers, fetch loops, relays, heartbeats, metrics). A replica that waits for work costs this
// around the clock, and during a run it competes with the work for the same cores. Prints the
// figures and writes bench/results/idle.json; with BENCH_PROFILE_DIR, also where each service's
// time went during the window (../cpu-profiles.ts).
//
//   npm run bench:idle   (BENCH_IDLE_SECONDS, default 60; BENCH_IDLE_SETTLE_SECONDS, default 20)
import * as os from 'node:os';
import { PlatformUnderTest } from '@billing/service-testing';
import { startBenchBroker } from '../broker';
import { describeProfile, monotonicMicros, summarizeProfiles } from '../cpu-profiles';
import { CpuWindow, describeCpuUsage, type CpuUsage } from '../cpu-usage';
import { writeResults } from '../results-file';

const SERVICES = ['order', 'subscription', 'renewal', 'invoicing'] as const;
const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
/** After the services report ready: consumer groups join, relays catch up, JIT warms up. */
const SETTLE_SECONDS = Number(process.env.BENCH_IDLE_SETTLE_SECONDS ?? 20);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

const say = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  await startBenchBroker();
  say(`the platform idle: four services as processes, ${SETTLE_SECONDS} s to settle, then ${SECONDS} s measured`);
  const platform = await PlatformUnderTest.start({
    services: [...SERVICES],
    databaseLabel: 'benchidle',
    readyTimeoutMs: 180_000,
    env: { LOG_LEVEL: 'warn', ...(PROFILE_DIR ? { CPU_PROFILE_DIR: PROFILE_DIR } : {}) },
  });
  let window: { fromMicros: number; toMicros: number } | undefined;
  let cpu: CpuUsage | undefined;
  try {
    await sleep(SETTLE_SECONDS * 1000);
    const usage = new CpuWindow(Object.fromEntries(SERVICES.map((name) => [name, platform.pidOf(name)])));
    const fromMicros = monotonicMicros();
    await sleep(SECONDS * 1000);
    cpu = usage.close(SECONDS);
    window = { fromMicros, toMicros: monotonicMicros() };
  } finally {
    // the services write their profiles as they stop
    await platform.stop();
  }
  const profiles = PROFILE_DIR && window ? summarizeProfiles(PROFILE_DIR, window) : undefined;
  say(`  ${describeCpuUsage(cpu, 'second')}`);
  if (profiles) {
    say(`where the idle time went (V8 profiles in ${PROFILE_DIR}, % of each process's busy samples):`);
    for (const summary of profiles) for (const line of describeProfile(summary)) say(`  ${line}`);
  }
  const result = {
    bench: 'idle',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30) },
    seconds: SECONDS,
    cpuMsPerSecond: cpu?.msPerUnit,
    machineBusy: cpu?.machineBusy,
    ...(profiles ? { profiles } : {}),
  };
  say(`written to ${writeResults('idle', result)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
