import path from 'node:path';

/** The few variables the CLI reads itself; the service processes validate their own. */
export interface CliEnv {
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
}

export function readCliEnv(env: NodeJS.ProcessEnv): CliEnv {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer between 0 and 65535, not "${env.PORT}"`);
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: path.resolve(env.NETMORTEM_DATA_DIR ?? './data'),
    port,
  };
}
