import { ensureEmbeddedDatabase, migrateDatabase, type EmbeddedDatabase } from '@netmortem/db';

export interface ResolvedDatabase {
  readonly url: string;
  readonly embedded: EmbeddedDatabase | null;
  /** Stops the embedded cluster if this process started it; a no-op otherwise. */
  release(): Promise<void>;
}

/**
 * DATABASE_URL when given; otherwise the embedded PostgreSQL under the data directory,
 * started if it is not already running (e.g. by `npm start`). Migrations are applied
 * either way, so every command works on a fresh machine.
 */
export async function resolveDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  log: (message: string) => void;
}): Promise<ResolvedDatabase> {
  if (options.databaseUrl) {
    await migrateDatabase(options.databaseUrl);
    return { url: options.databaseUrl, embedded: null, release: async () => {} };
  }
  const embedded = await ensureEmbeddedDatabase({ dataDir: options.dataDir, log: options.log });
  await migrateDatabase(embedded.databaseUrl);
  return {
    url: embedded.databaseUrl,
    embedded,
    release: async () => {
      if (embedded.startedHere) await embedded.stop();
    },
  };
}
