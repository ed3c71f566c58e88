// The runtime inside a Nest application: projections registered by a feature module (with their
// own dependencies injected) start after boot, and closing the application stops fetching,
// finishes the batch in hand, commits it and leaves the group before the database closes.
import { testKafkaBrokers, uniqueTopicName, waitForConsumerCatchUp, waitUntil } from '@billing/testing';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Registry } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { EventProducer, MessagingModule, readCheckpoints, type ConsumedEvent, type Projection } from '../src';
import { counterEvents, expectedTotals, incrementWorkload, type CounterEvent } from './fixtures/counter-events';
import { counterProjection, counterTotals } from './fixtures/counter-projection';
import { createReadStore, kafkaClients, metricValue, quietLogger, testConsumerSettings, type KafkaClients, type ReadStore } from './fixtures/test-infrastructure';

const METRICS = Symbol('METRICS');

/** What the projection needs from its feature: how slow the read store is today. */
@Injectable()
class ReadStorePace {
  delayMs = 0;
  committed = 0;
}

@Module({ providers: [ReadStorePace], exports: [ReadStorePace] })
class PaceModule {}

let topic = '';

@Injectable()
class CounterTotalsProjection implements Projection<CounterEvent> {
  readonly name = 'counter-totals';
  readonly events = counterEvents;
  readonly handles = ['CounterIncremented' as const];
  readonly readModelTables = ['counter_totals'];
  private readonly counting = counterProjection({ topics: [] });

  constructor(private readonly pace: ReadStorePace) {}

  get topics() {
    return [topic];
  }

  async project(events: readonly ConsumedEvent<CounterEvent>[], manager: EntityManager): Promise<void> {
    await this.counting.project(events, manager);
    if (this.pace.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pace.delayMs));
  }

  afterCommit(events: readonly ConsumedEvent<CounterEvent>[]): void {
    this.pace.committed += events.length;
  }
}

function appModule(store: ReadStore, registry: Registry): DynamicModule {
  @Module({ imports: [MessagingModule.forFeature({ imports: [PaceModule], projections: [CounterTotalsProjection] }), PaceModule] })
  class CountersModule {}

  @Module({})
  class AppModule {}
  return {
    module: AppModule,
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: store.url, retryAttempts: 0 }),
      { module: class MetricsModule {}, global: true, providers: [{ provide: METRICS, useValue: registry }], exports: [METRICS] },
      MessagingModule.forRoot({
        brokers: testKafkaBrokers(),
        clientId: 'nest-test',
        groupId: topic,
        topicDefaults: { partitions: 3 },
        // small batches: the close lands between batches of one stream
        consumer: { ...testConsumerSettings, maxBytesPerPartition: 16_384 },
        maxEventsPerTransaction: 50,
        metricsRegistryToken: METRICS,
        logger: quietLogger,
      }),
      CountersModule,
    ],
  };
}

describe('MessagingModule in a Nest application', () => {
  let store: ReadStore;
  let kafka: KafkaClients;
  let app: INestApplicationContext | undefined;
  const groupId = () => `${topic}.counter-totals`;

  beforeAll(async () => {
    topic = uniqueTopicName('nest');
    [store, kafka] = await Promise.all([createReadStore('nest_module'), kafkaClients(() => [topic, `${topic}.dlt`])]);
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await store?.close();
  });

  it('projects after boot and shuts down after finishing and committing its batch', async () => {
    const registry = new Registry();
    app = await NestFactory.createApplicationContext(appModule(store, registry), { logger: false });
    await app.init();
    const pace = app.get(ReadStorePace);
    pace.delayMs = 100;

    const events = incrementWorkload(1_500, 30);
    await app.get(EventProducer).publish(topic, events);
    await waitUntil(() => pace.committed > 0, { description: 'the first batch' });

    const committedWhenClosing = pace.committed;
    await app.close();
    app = undefined;

    // the batch in hand was finished after the close began, and nothing after it was started
    expect(pace.committed).toBeGreaterThan(committedWhenClosing);
    expect(pace.committed).toBeLessThan(events.length);
    expect(await metricValue(registry, 'messaging_messages_total', { outcome: 'handled' })).toBe(pace.committed);
    // what was projected is exactly what was committed to the group
    const checkpoints = await readCheckpoints(store.dataSource.manager, 'counter-totals');
    const [committed] = await kafka.admin.fetchOffsets({ groupId: groupId(), topics: [topic] });
    for (const checkpoint of checkpoints) {
      expect(committed.partitions.find((p) => p.partition === checkpoint.partition)?.offset).toBe(checkpoint.nextOffset);
    }
    const projected = checkpoints.reduce((sum, checkpoint) => sum + Number(checkpoint.nextOffset), 0);
    expect(projected).toBe(pace.committed);

    // a new instance carries on where the old one stopped
    app = await NestFactory.createApplicationContext(appModule(store, new Registry()), { logger: false });
    await app.init();
    await waitForConsumerCatchUp(kafka.admin, groupId(), topic);
    expect(await counterTotals(store.dataSource.manager)).toEqual(expectedTotals(events));
  });
});
