// Named statements through a TypeORM manager: prepared on the transaction's own connection (or the
// pool's) when prepared statements are on, plain `manager.query` when they are off.
import { namedStatement, runStatementWith, usePreparedStatements } from '../src';
import { createEventStoreDatabase, type EventStoreDatabase } from './event-store-database';

const countEvents = namedStatement('test_count_events', 'SELECT count(*)::int AS events FROM event_store.events WHERE stream_id = $1');
const preparedHere = `SELECT coalesce(array_agg(name ORDER BY name), '{}') AS names FROM pg_prepared_statements`;

describe('named statements with a TypeORM manager', () => {
  let database: EventStoreDatabase;

  beforeAll(async () => {
    database = await createEventStoreDatabase('es_named', 1);
  });
  afterAll(async () => {
    usePreparedStatements(true);
    await database?.drop();
  });

  it('prepares the statement on the connection of the transaction it runs in', async () => {
    usePreparedStatements(true);
    const names = await database.dataSource.transaction(async (manager) => {
      await expect(runStatementWith(manager, countEvents, ['none'])).resolves.toEqual([{ events: 0 }]);
      const [{ names }] = await manager.query(preparedHere);
      return names as string[];
    });
    expect(names).toContain('test_count_events');
  });

  it('prepares it on the data source pool outside a transaction', async () => {
    usePreparedStatements(true);
    await expect(runStatementWith(database.dataSource.manager, countEvents, ['none'])).resolves.toEqual([{ events: 0 }]);
    // the pool has one connection: this look is on the connection that ran the statement
    const [{ names }] = await database.dataSource.query(preparedHere);
    expect(names).toContain('test_count_events');
  });

  it('runs it as plain text when prepared statements are off', async () => {
    usePreparedStatements(false);
    const plain = namedStatement('test_count_events_plain', countEvents.text);
    const names = await database.dataSource.transaction(async (manager) => {
      await expect(runStatementWith(manager, plain, ['none'])).resolves.toEqual([{ events: 0 }]);
      const [{ names }] = await manager.query(preparedHere);
      return names as string[];
    });
    expect(names).not.toContain('test_count_events_plain');
  });
});
