import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase, withDatabaseName } from '@netmortem/db';

/**
 * Tests talk to the machine's real PostgreSQL. Each suite gets a database of its own,
 * migrated from prisma/migrations, and drops it afterwards.
 */
export const TEST_SERVER_URL =
  process.env.NETMORTEM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `nm_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabaseName(TEST_SERVER_URL, name);
  if (options.migrate ?? true) await migrateDatabase(url);
  return {
    url,
    name,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
