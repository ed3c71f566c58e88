// Each suite's database is its own: created empty, written and read, and gone after drop().
import { Client } from 'pg';
import { createTestDatabase } from '../src';

describe('test databases on the PostgreSQL server', () => {
  it('are created empty, hold what a suite writes, and are dropped afterwards', async () => {
    const database = await createTestDatabase('roundtrip');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)');
      await client.query("INSERT INTO note VALUES (1, 'written'), (2, 'read back')");
      const { rows } = await client.query('SELECT body FROM note ORDER BY id');
      expect(rows.map((r) => r.body)).toEqual(['written', 'read back']);
    } finally {
      await client.end();
    }
    await database.drop();

    const admin = new Client({ connectionString: database.url.replace(database.name, 'postgres') });
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
    await admin.end();
    expect(rowCount).toBe(0);
  });
});
