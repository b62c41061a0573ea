import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@test/support/test-database.js';
import { createPrismaClient } from '../client/prisma-client.factory.js';
import { findSchemaDrift, type DataModelSnapshot } from './schema-drift.js';

const dataModel = JSON.parse(
  readFileSync(new URL('../generated/datamodel.json', import.meta.url), 'utf8'),
) as DataModelSnapshot;

describe('schema drift between prisma/schema.prisma and prisma/migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('finds no difference after the migrations ran', async () => {
    expect(await findSchemaDrift(database.url, dataModel)).toEqual([]);
  });

  it('lets the Prisma client read every model from the migrated database', async () => {
    const prisma = createPrismaClient({ databaseUrl: database.url });
    try {
      for (const model of dataModel.models) {
        const delegate = (prisma as unknown as Record<string, { findFirst(): Promise<unknown> }>)[
          model.name.charAt(0).toLowerCase() + model.name.slice(1)
        ];
        expect(delegate, model.name).toBeDefined();
        await expect(delegate!.findFirst()).resolves.toBeNull();
      }
    } finally {
      await prisma.$disconnect();
    }
  });

  it('reports a column the migrations lost and one they added', async () => {
    const scratch = await createTestDatabase();
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      await client.query('ALTER TABLE incidents DROP COLUMN resolved_at');
      await client.query('ALTER TABLE bundles ADD COLUMN surprise text');
      await client.query('ALTER TABLE users ALTER COLUMN display_name DROP NOT NULL');
      const drift = await findSchemaDrift(scratch.url, dataModel);
      expect(drift).toEqual(
        expect.arrayContaining([
          'incidents.resolved_at: missing in the database',
          'bundles.surprise: exists in the database but not in the schema',
          'users.display_name: schema says required, database column is NULL',
        ]),
      );
    } finally {
      await client.end();
      await scratch.drop();
    }
  });
});
