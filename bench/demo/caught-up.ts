// "The platform has caught up": at the clock's instant nothing is due in the renewal schedule nor
// in the termination schedule, every consumer group of the platform has read its topics to the
// end, every outbox is published, and the topics' ends have not moved for two samples in a row.
// Waiting for that (instead of sleeping a guessed time) is what makes each step of the demo see
// the consequences of the previous one. A sample must be cheap, it is taken several times a
// second: one connection per database kept open, the offsets fetched in parallel.
import { publicTopics } from '@billing/contracts';
import type { PlatformUnderTest, PlatformServiceName } from '@billing/service-testing';
import { testKafka } from '@billing/testing';
import type { Admin } from 'kafkajs';
import { Client } from 'pg';

const services: PlatformServiceName[] = ['order', 'subscription', 'renewal', 'invoicing'];
const SAMPLE_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Events of the store that its outbox relay has not published yet. */
const OUTBOX_PENDING = `SELECT coalesce(max(pending), 0)::int AS n FROM (
   SELECT (SELECT count(*) FROM event_store.events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS pending
     FROM event_store.outbox_checkpoints c) relays`;

export class CatchUp {
  private admin?: Admin;
  private readonly clients = new Map<PlatformServiceName, Client>();
  private groups: string[] = [];
  private samples = 0;

  constructor(private readonly platform: PlatformUnderTest) {}

  /** Resolves when caught up; after `timeoutMs` resolves anyway with a description of what is left. */
  async wait(instant: string, timeoutMs = 180_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    let previous: string | undefined;
    let quiet = 0;
    let left = '';
    while (Date.now() < deadline) {
      await sleep(SAMPLE_MS);
      const state = await this.sample(instant).catch(async (error: unknown) => {
        await this.reset();
        return { busy: `unreadable: ${(error as Error).message}`, ends: undefined };
      });
      const moving = state.ends === undefined || state.ends !== previous;
      previous = state.ends;
      left = state.busy ?? (moving ? 'topics still moving' : '');
      quiet = left === '' ? quiet + 1 : 0;
      if (quiet >= 2) return undefined;
    }
    return left;
  }

  async stop(): Promise<void> {
    await this.reset();
  }

  private async reset(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private async sample(instant: string): Promise<{ busy?: string; ends: string }> {
    const admin = (this.admin ??= await this.connectAdmin());
    const topicEnds = new Map<string, Map<number, number>>();
    await Promise.all(
      publicTopics.map(async (topic) => {
        const name = this.platform.topic(topic);
        topicEnds.set(name, new Map((await admin.fetchTopicOffsets(name)).map((p) => [p.partition, Number(p.high)])));
      }),
    );
    const ends = [...topicEnds.values()].map((partitions) => [...partitions.values()].join(',')).join('|');
    const due = await this.dueWork(instant);
    if (due > 0) return { busy: `${due} renewal or termination steps due`, ends };
    // the groups appear as the services subscribe: looked up again now and then
    if (this.samples++ % 20 === 0 || this.groups.length === 0) {
      const prefix = `${this.platform.topicPrefix}.`;
      this.groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
    }
    const lags = await Promise.all(
      this.groups.map(async (groupId) => {
        let lag = 0;
        // the topics the group committed on, that is the ones it reads
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          for (const { partition, offset } of partitions) {
            const end = topicEnds.get(topic)?.get(partition) ?? 0;
            // a partition it never committed: lag if anything was produced to it
            lag += Number(offset) < 0 ? end : Math.max(0, end - Number(offset));
          }
        }
        return lag;
      }),
    );
    const totalLag = lags.reduce((sum, lag) => sum + lag, 0);
    if (totalLag > 0) return { busy: `consumer lag ${totalLag}`, ends };
    const pending = (await Promise.all(services.map((name) => this.count(name, OUTBOX_PENDING)))).reduce((a, b) => a + b, 0);
    if (pending > 0) return { busy: `${pending} events not published`, ends };
    return { ends };
  }

  private async connectAdmin(): Promise<Admin> {
    const admin = testKafka('demo-catch-up').admin();
    await admin.connect();
    return admin;
  }

  /** Renewal terms whose next step is due, and services whose termination is due, at `instant`. */
  private async dueWork(instant: string): Promise<number> {
    const [renewal, subscription] = await Promise.all([
      this.count('renewal', `SELECT count(*)::int AS n FROM renewal_terms WHERE next_due_at <= $1`, [instant]),
      this.count('subscription', `SELECT count(*)::int AS n FROM services WHERE termination_due_date <= $1::date AND status <> 'terminated'`, [instant.slice(0, 10)]),
    ]);
    return renewal + subscription;
  }

  private async count(service: PlatformServiceName, sql: string, params: unknown[] = []): Promise<number> {
    let client = this.clients.get(service);
    if (!client) {
      // samples compile no query (see bench/chaos/consumer-lag.ts): JIT cost ~0.7 s per outbox count
      client = new Client({ connectionString: this.platform.databaseUrl(service), options: '-c jit=off' });
      await client.connect();
      this.clients.set(service, client);
    }
    const { rows } = await client.query<{ n: number }>(sql, params);
    return rows[0]?.n ?? 0;
  }
}
