// Three scheduler replicas on one database — this process and two child processes running the
// service's main.ts — claim the same due terms; one child is SIGKILLed in the middle of the run.
// Every due service still gets exactly one RenewalInvoiceRequested for its term, none is skipped.
import { randomUUID } from 'node:crypto';
import { topics } from '@billing/contracts';
import { freePort, startServiceProcess, type RunningService } from '@billing/service-testing';
import { testKafkaBrokers, waitUntil } from '@billing/testing';
import { moveClock, RenewalServiceUnderTest, subscription } from './renewal-service';

const SERVICES = 1_200;
const schedulerEnv = { RENEWAL_SCHEDULER_INTERVAL_MS: '50', RENEWAL_SCHEDULER_BATCH_SIZE: '20', RENEWAL_SCHEDULER_CONCURRENCY: '2' };

describe('the renewal scheduler with three replicas', () => {
  let service: RenewalServiceUnderTest;
  const replicas: { process: RunningService; port: number }[] = [];

  beforeAll(async () => {
    service = await RenewalServiceUnderTest.start('replicas', schedulerEnv);
    for (let replica = 0; replica < 2; replica++) {
      const port = await freePort();
      const process = startServiceProcess(require.resolve('../src/main.ts'), {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: service.database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: service.topicPrefix,
        ...schedulerEnv,
      });
      replicas.push({ process, port });
    }
    for (const { process, port } of replicas) {
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, {
        timeoutMs: 90_000,
        intervalMs: 250,
        description: `replica on ${port} to be ready\n${process.output().stderr.slice(-2_000)}`,
      });
    }
  }, 120_000);

  afterAll(async () => {
    for (const { process } of replicas) {
      process.child.kill('SIGTERM');
      const timer = setTimeout(() => process.child.kill('SIGKILL'), 10_000);
      await process.exited;
      clearTimeout(timer);
    }
    await service?.close();
  });

  const count = async (sql: string): Promise<number> => Number((await service.dataSource.query(sql))[0].count);

  it('requests exactly one renewal invoice per due term, even when a replica dies mid-run', async () => {
    await moveClock(service, '2027-05-01T06:00:00Z');
    const serviceIds: string[] = [];
    const events = Array.from({ length: SERVICES }, (_, index) => {
      const { event, service: activated } = subscription.activated({ customerId: `cust-replicas-${index % 300}-${randomUUID().slice(0, 4)}`, anchorDate: '2026-05-20', expirationDate: '2027-05-20' });
      serviceIds.push(activated.serviceId);
      return event;
    });
    for (let start = 0; start < events.length; start += 200) await service.publishServices(...events.slice(start, start + 200));
    await waitUntil(async () => (await count(`SELECT count(*) FROM renewal_terms`)) === SERVICES, { timeoutMs: 60_000, description: `${SERVICES} terms scheduled` });

    // every replica's clock moves (the test clock is shared over Kafka): all terms fall due at once
    await moveClock(service, '2027-05-14T06:00:00Z');
    const requested = () => count(`SELECT count(*) FROM renewal_terms WHERE status = 'invoiceRequested'`);
    const victim = replicas[0];
    const claimedBy = async (port: number) => {
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return Number(/renewal_scheduler_claimed_terms_total\{service="renewal"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    };
    // killed as soon as it has claimed terms: it usually dies holding some. A replica that saw the
    // clock move late may only claim the tail of the run; the checks below hold either way
    await waitUntil(async () => (await claimedBy(victim.port)) > 0, { timeoutMs: 60_000, intervalMs: 10, description: 'the run to be under way on the victim replica' });
    victim.process.child.kill('SIGKILL');
    const killedAt = await requested();
    if (killedAt === SERVICES) process.stderr.write('scheduler-replicas: the victim was killed after the run had ended\n');

    await waitUntil(async () => (await requested()) === SERVICES, { timeoutMs: 60_000, description: `all ${SERVICES} terms invoiced` });

    // the event store: one RenewalInvoiceRequested per term, no more
    const stored: { terms: number; events: number }[] = await service.dataSource.query(
      `SELECT count(DISTINCT stream_id)::int AS terms, count(*)::int AS events FROM event_store.events WHERE event_type = 'RenewalInvoiceRequested'`,
    );
    expect(stored[0]).toEqual({ terms: SERVICES, events: SERVICES });

    // the topic: every service, one event per term (the relay may repeat a message after a crash,
    // always with the same event id)
    await service.renewals.waitFor('RenewalInvoiceRequested', () => true, SERVICES, 60_000);
    await waitUntil(() => new Set(service.renewals.of('RenewalInvoiceRequested').map((event) => event.data.serviceId)).size === SERVICES, {
      timeoutMs: 60_000,
      description: 'every service requested on the topic',
    });
    const published = service.renewals.of('RenewalInvoiceRequested');
    const eventIdsPerTerm = new Map<string, Set<string>>();
    for (const event of published) eventIdsPerTerm.set(event.data.renewalTermId, (eventIdsPerTerm.get(event.data.renewalTermId) ?? new Set()).add(event.eventId));
    expect(eventIdsPerTerm.size).toBe(SERVICES);
    expect([...eventIdsPerTerm.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(new Set(published.map((event) => event.data.serviceId))).toEqual(new Set(serviceIds));
    expect(service.topic(topics.renewals)).toContain(service.topicPrefix);
  }, 180_000);
});
