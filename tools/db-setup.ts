// `npm run db:setup`: one database per service on the server (created when missing), each
// migrated to the latest schema. Safe to run again.
import { createDatabases, databaseName, migrate, serverUrl, serviceNames } from './databases';

async function main(): Promise<void> {
  const created = await createDatabases();
  for (const service of serviceNames) {
    const applied = await migrate(service);
    const state = created.includes(databaseName(service)) ? 'created' : 'exists';
    console.log(`${databaseName(service).padEnd(24)} ${state}, ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
  }
}

main().catch((error: Error) => {
  console.error(`db:setup failed against ${new URL(serverUrl()).host}: ${error.message}`);
  process.exit(1);
});
