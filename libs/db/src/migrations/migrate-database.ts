import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** prisma/migrations at the repository root, from both src/ (tests) and dist/ (runtime). */
export const MIGRATIONS_DIR = fileURLToPath(
  new URL('../../../../prisma/migrations', import.meta.url),
);

export interface MigrationLogger {
  info(message: string): void;
}

/**
 * Applies every pending SQL migration. node-pg-migrate holds an advisory lock while it runs,
 * so API and worker processes starting together cannot apply the same migration twice.
 */
export async function migrateDatabase(
  databaseUrl: string,
  logger?: MigrationLogger,
): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'netmortem_migrations',
    checkOrder: true,
    singleTransaction: true,
    verbose: false,
    log: (message: string) => logger?.info(message),
  });
  return applied.map((migration) => migration.name);
}
