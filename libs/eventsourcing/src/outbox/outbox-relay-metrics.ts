// The relay's Prometheus metrics. Lag is measured when Prometheus scrapes (one query over what
// is stored after the checkpoint), not after every batch, so catching up stays cheap.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Backlog } from '../event-store/event-store';

export interface MeasuredRelay {
  readonly name: string;
  /** Undefined when the store cannot count its backlog. */
  lag(): Promise<Backlog | undefined>;
}

export class OutboxRelayMetrics {
  readonly published: Counter<'relay'>;
  readonly leader: Gauge<'relay'>;
  private readonly relays = new Set<MeasuredRelay>();
  private lastMeasure?: { at: number; lags: Promise<Map<string, Backlog | undefined>> };

  private constructor(registry: Registry) {
    const measure = () => this.measure();
    this.published = new Counter({
      name: 'outbox_relay_published_messages_total',
      help: 'Messages the outbox relay has published to Kafka',
      labelNames: ['relay'],
      registers: [registry],
    });
    this.leader = new Gauge({
      name: 'outbox_relay_leader',
      help: '1 while this instance holds the relay lock and publishes, 0 on standby',
      labelNames: ['relay'],
      registers: [registry],
    });
    new Gauge({
      name: 'outbox_relay_unpublished_events',
      help: 'Events stored but not yet published by the outbox relay',
      labelNames: ['relay'],
      registers: [registry],
      async collect() {
        for (const [relay, lag] of await measure()) if (lag) this.set({ relay }, lag.events);
      },
    });
    new Gauge({
      name: 'outbox_relay_oldest_unpublished_event_age_seconds',
      help: 'Age of the oldest event the outbox relay has not published yet (0 when none)',
      labelNames: ['relay'],
      registers: [registry],
      async collect() {
        for (const [relay, lag] of await measure()) {
          if (lag) this.set({ relay }, lag.oldestStoredAt ? Math.max(0, (Date.now() - lag.oldestStoredAt.getTime()) / 1000) : 0);
        }
      },
    });
  }

  private static readonly byRegistry = new WeakMap<Registry, OutboxRelayMetrics>();

  /** The relay metrics of a registry: created once, shared by every relay registered on it. */
  static on(registry: Registry): OutboxRelayMetrics {
    let metrics = OutboxRelayMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new OutboxRelayMetrics(registry);
      OutboxRelayMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  register(relay: MeasuredRelay): void {
    this.relays.add(relay);
    this.published.inc({ relay: relay.name }, 0);
    this.leader.set({ relay: relay.name }, 0);
  }

  /** One measurement per scrape, shared by both lag gauges (they collect concurrently). */
  private measure(): Promise<Map<string, Backlog | undefined>> {
    const now = Date.now();
    if (this.lastMeasure && now - this.lastMeasure.at < 1_000) return this.lastMeasure.lags;
    const lags = Promise.all([...this.relays].map(async (relay) => [relay.name, await relay.lag().catch(() => undefined)] as const)).then(
      (entries) => new Map(entries),
    );
    this.lastMeasure = { at: now, lags };
    return lags;
  }
}
