// The shared test clock on a real broker: a process that starts (or restarts) while the platform
// runs on a moved clock is on that time before any of its work starts. Consumers, the outbox
// relay and the schedulers start in onApplicationBootstrap; a restarted order service whose
// clock still read the system time there delivered orders in the real present, months before
// the simulated one (the chaos run found services anchored in the past, renewed out of turn).
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startKafkaBroker, testKafka, testKafkaBrokers } from '@billing/testing';
import { CLOCK, ClockModule, TestClockModule, type Clock } from '../src';

@Injectable()
class FirstWork implements OnApplicationBootstrap {
  startedAt?: string;
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}
  onApplicationBootstrap(): void {
    this.startedAt = this.clock.now().toString();
  }
}

beforeAll(() => startKafkaBroker(), 180_000);

/**
 * A process with the test clock: its application context, started (every lifecycle hook run).
 * The work sits two modules deep, as a service's consumers do (a feature module importing the
 * messaging module): Nest runs the deeper modules' hooks first.
 */
function startProcess(topic: string) {
  @Module({ providers: [FirstWork], exports: [FirstWork] })
  class Consumers {}
  @Module({ imports: [Consumers], exports: [Consumers] })
  class Feature {}
  @Module({
    imports: [ClockModule.forRoot('test'), TestClockModule.forRoot({ service: 'probe', environment: 'test', kafkaBrokers: testKafkaBrokers(), topic }), Feature],
  })
  class ProbeProcess {}
  return NestFactory.createApplicationContext(ProbeProcess, { logger: false });
}

it('starts on the shared time: the clock topic is read to its end before any work starts', async () => {
  const topic = `clock${randomUUID().slice(0, 8)}.billing.test-clock.v1`;
  const first = await startProcess(topic);
  const producer = testKafka('test-clock-spec').producer();
  await producer.connect();
  try {
    // two moves made by other processes, the last one wins; bytes that are not a move are skipped
    for (const instant of ['2030-01-01T00:00:00Z', '2031-05-17T10:00:00Z']) {
      await producer.send({ topic, messages: [{ key: 'clock', value: JSON.stringify({ instant, atRealTime: new Date().toISOString() }) }] });
      await producer.send({ topic, messages: [{ key: 'garbage', value: '{not json' }] });
    }
  } finally {
    await producer.disconnect();
  }

  const restarted = await startProcess(topic);
  try {
    const startedAt = Date.parse(restarted.get(FirstWork).startedAt ?? '');
    expect(startedAt).toBeGreaterThanOrEqual(Date.parse('2031-05-17T10:00:00Z'));
    expect(startedAt).toBeLessThan(Date.parse('2031-05-17T10:05:00Z'));
  } finally {
    await Promise.all([restarted.close(), first.close()]);
  }
}, 120_000);

it('starts at once on the system time when nobody ever moved the clock', async () => {
  const started = Date.now();
  const fresh = await startProcess(`clock${randomUUID().slice(0, 8)}.billing.test-clock.v1`);
  try {
    expect(Math.abs(Date.parse(fresh.get(FirstWork).startedAt ?? '') - Date.now())).toBeLessThan(60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
  } finally {
    await fresh.close();
  }
}, 120_000);
