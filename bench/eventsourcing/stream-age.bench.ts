// What a run of commands costs as its streams grow: runs of 64 commands (one per stream, each
// appending one event) on streams 1, 12, 60 and 120 events long, through BatchCommandHandler,
// reading each stream whole; with a StreamStateCache that keeps them all (only what came after the
// state it kept): what the cache saves on streams that come back while it keeps them; and with
// snapshots every 12 events and no cache, as a service renewed once a month is read (the streams
// built by the same handler, one run per event, so they have the snapshots the platform takes).
// Every run adds one event to each stream, as renewals do. Prints the median milliseconds per run
// (of 20, after one that fills the cache) and writes bench/results/stream-age.json.
//
//   npm run bench:streams
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventMetadata } from '@billing/contracts';
import { BatchCommandHandler, eventStoreMigrations, PostgresEventStore, StreamStateCache, type Decider, type NewEvent } from '@billing/eventsourcing';
import { createTestDatabase } from '@billing/testing';
import { DataSource } from 'typeorm';

const AGES = [1, 12, 60, 120];
const STREAMS = 64;
const RUNS = 20;
const SNAPSHOTS = { kind: 'renewals@1', every: 12 };

type Renewed = { type: 'ServiceRenewed'; data: { serviceId: string; term: number; expirationDate: string } };
type Renew = { type: 'Renew'; data: { serviceId: string } };
type Renewals = { terms: number; expirationDate: string };

/** A service's renewals: each term one more event. */
const renewals: Decider<Renew, Renewed, Renewals> = {
  initialState: () => ({ terms: 0, expirationDate: '' }),
  evolve: (state, event) => ({ terms: event.data.term, expirationDate: event.data.expirationDate }),
  decide: (command, state) => ({ type: 'ServiceRenewed', data: { serviceId: command.data.serviceId, term: state.terms + 1, expirationDate: `${2027 + state.terms}-01-31` } }),
};

const metadata: EventMetadata = { correlationId: randomUUID(), occurredAt: '2027-01-31T03:00:00.000Z', partitionKey: 'customer-1' };

function history(serviceId: string, length: number): NewEvent<Renewed>[] {
  return Array.from({ length }, (_, index) => ({
    eventId: randomUUID(),
    type: 'ServiceRenewed',
    data: { serviceId, term: index + 1, expirationDate: `${2027 + index}-01-31` },
    metadata,
  }));
}

const round = (value: number) => Math.round(value * 100) / 100;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const renewalOf = (streamId: string) => ({ streamId, command: { type: 'Renew', data: { serviceId: streamId } } as Renew, metadata, eventId: () => randomUUID() });

async function msPerRun(handler: BatchCommandHandler<Renew, Renewed, Renewals>, streams: readonly string[]): Promise<number> {
  const run = () => handler.handleAll(streams.map(renewalOf));
  // the first run fills the cache (and warms the connection): not counted
  await run();
  const times: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const database = await createTestDatabase('bench_stream_age');
  const dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: eventStoreMigrations, migrationsTableName: 'typeorm_migrations', extra: { max: 4 } });
  const results: { eventsPerStream: number; wholeMs: number; cachedMs: number; snapshotsMs: number }[] = [];
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const store = new PostgresEventStore(dataSource);
    for (const age of AGES) {
      const whole = Array.from({ length: STREAMS }, () => `service-${randomUUID()}`);
      const cached = Array.from({ length: STREAMS }, () => `service-${randomUUID()}`);
      for (const streamId of [...whole, ...cached]) await store.append(streamId, history(streamId, age), { expectedVersion: 'noStream' });
      await dataSource.query('ANALYZE event_store.events');
      const snapshotted = Array.from({ length: STREAMS }, () => `service-${randomUUID()}`);
      const withSnapshots = new BatchCommandHandler(store, renewals, { snapshots: SNAPSHOTS });
      for (let event = 0; event < age; event++) await withSnapshots.handleAll(snapshotted.map((streamId) => renewalOf(streamId)));
      await dataSource.query('ANALYZE event_store.events');
      await dataSource.query('ANALYZE event_store.snapshots');
      const wholeMs = await msPerRun(new BatchCommandHandler(store, renewals), whole);
      const cachedMs = await msPerRun(new BatchCommandHandler(store, renewals, { cache: new StreamStateCache() }), cached);
      const snapshotsMs = await msPerRun(withSnapshots, snapshotted);
      results.push({ eventsPerStream: age, wholeMs: round(wholeMs), cachedMs: round(cachedMs), snapshotsMs: round(snapshotsMs) });
      console.log(
        `${String(age).padStart(3)} events a stream: ${round(wholeMs)} ms a run of ${STREAMS} reading whole streams, ${round(cachedMs)} ms with the cache, ${round(snapshotsMs)} ms from snapshots every ${SNAPSHOTS.every}`,
      );
    }
    const output = path.resolve(__dirname, '../results/stream-age.json');
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, `${JSON.stringify({ bench: 'stream-age', at: new Date().toISOString(), streamsPerRun: STREAMS, runs: RUNS, results }, null, 2)}\n`);
    console.log(`written to ${path.relative(process.cwd(), output)}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
