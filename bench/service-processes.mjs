// What the service benchmarks share: this machine's PostgreSQL and Redis, a scratch database,
// a free port, and the API and worker processes started from their built dist.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';

export const SERVER_URL =
  process.env.NETMORTEM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.NETMORTEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function admin(sql) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function startProcess(entry, env) {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return {
    child,
    output: () => output,
    async until(pattern, ms = 60_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(output)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${pattern}:\n${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
