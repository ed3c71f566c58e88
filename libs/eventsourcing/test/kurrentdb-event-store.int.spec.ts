// The KurrentDB adapter against the shared contract. No KurrentDB server can be installed on the
// build machines: without KURRENTDB_CONNECTION_STRING the suite shows up as skipped, by name.
import { KurrentDbEventStore } from '../src';
import { eventStoreContractSuite } from './event-store-contract';
import { serviceActivated } from './sample-events';

const connectionString = process.env.KURRENTDB_CONNECTION_STRING;
const suiteName = 'KurrentDB event store contract';

if (connectionString) {
  eventStoreContractSuite(suiteName, async () => {
    const store = await KurrentDbEventStore.connect(connectionString);
    return { store, close: () => store.close() };
  });
} else {
  describe.skip(`${suiteName} (KURRENTDB_CONNECTION_STRING not set)`, () => {
    eventStoreContractSuite(suiteName, () => Promise.reject(new Error('no KurrentDB server')));
  });
}

// These run without a server, so that the adapter's loading and error mapping are exercised on
// every build.
describe('KurrentDB event store adapter without a server', () => {
  const clientInstalled = (() => {
    try {
      require.resolve('@kurrent/kurrentdb-client');
      return true;
    } catch {
      return false;
    }
  })();
  const unreachable = 'kurrentdb://127.0.0.1:1?tls=false&defaultDeadline=2000&maxDiscoverAttempts=1';

  (clientInstalled ? it.skip : it)('names the client package to install when it is missing', async () => {
    await expect(KurrentDbEventStore.connect(unreachable)).rejects.toThrow(/needs the @kurrent\/kurrentdb-client package/);
  });

  (clientInstalled ? it : it.skip)('fails reads and appends on an unreachable server instead of reporting an empty stream', async () => {
    const store = await KurrentDbEventStore.connect(unreachable);
    try {
      await expect(store.readStream('service-1')).rejects.toThrow();
      await expect(store.append('service-1', [serviceActivated('service-1')], { expectedVersion: 'noStream' })).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
