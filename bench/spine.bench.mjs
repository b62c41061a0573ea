// Issue 2's targets, measured on the real stack (built dist, this machine's PostgreSQL and
// Redis): peak resident memory of the API while it receives a 1 GiB upload, and the delay
// from an upload's 201 response to its analysis entering RUNNING on an idle machine.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { REDIS_URL, SERVER_URL, admin, freePort, startProcess } from './service-processes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const GIB = 1024 ** 3;

async function peakRssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmHWM:\s+(\d+) kB/)[1]) / 1024;
}

async function currentRssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)[1]) / 1024;
}

/** `bytes` of incompressible-looking data, generated as it is sent (never held whole). */
function generatedBody(boundary, bytes) {
  async function* parts() {
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const block = randomBytes(1024 * 1024);
    for (let sent = 0; sent < bytes; sent += block.length) {
      block.writeUInt32LE(sent / block.length, 0); // every MiB differs, so the hash sees real work
      yield Buffer.from(block.subarray(0, Math.min(block.length, bytes - sent)));
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return Readable.toWeb(Readable.from(parts()));
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runSpineBench({ uploads = 30 } = {}) {
  const database = `nm_bench_${Date.now().toString(36)}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'nm-bench-'));
  const prefix = `nmbench-${Date.now().toString(36)}`;
  await admin(`CREATE DATABASE ${database}`);
  const databaseUrl = SERVER_URL.replace(/\/[^/]*$/, `/${database}`);
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    NETMORTEM_DATA_DIR: dataDir,
    NETMORTEM_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  execFileSync(process.execPath, [`${root}apps/cli/dist/main.js`, 'migrate'], {
    env: { PATH: process.env.PATH, ...env },
  });
  const port = await freePort();
  const api = startProcess(`${root}apps/api/dist/main.js`, {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    BUNDLE_MAX_BYTES: String(2 * GIB),
  });
  const worker = startProcess(`${root}apps/worker/dist/main.js`, { ...env, LOG_LEVEL: 'info' });
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    await api.until(/"msg":"api listening"/);
    await worker.until(/"msg":"worker ready"/);
    await db.connect();
    const token = execFileSync(
      process.execPath,
      [`${root}apps/cli/dist/main.js`, 'admin', 'create-token', '--team', 'bench'],
      {
        env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
      },
    )
      .toString()
      .trim();
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${token}` };
    const gql = async (query, variables) => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()).data;
    };
    const incidentId = (await gql('mutation { createIncident(input: { title: "bench" }) { id } }'))
      .createIncident.id;

    // Upload response → analysis RUNNING, one upload at a time on an otherwise idle stack.
    const delays = [];
    for (let i = 0; i < uploads; i += 1) {
      const form = new FormData();
      form.append(
        'file',
        new Blob([`uname -a sample ${i}\nLinux bench 6.1.0 #1 SMP x86_64 GNU/Linux\n`]),
        `u${i}.txt`,
      );
      const response = await fetch(`${base}/api/incidents/${incidentId}/bundles`, {
        method: 'POST',
        headers,
        body: form,
      });
      const answeredAt = Date.now();
      const { analysisId } = await response.json();
      for (;;) {
        const row = (await db.query('SELECT started_at FROM analyses WHERE id = $1', [analysisId]))
          .rows[0];
        if (row?.started_at) {
          delays.push(Math.max(0, row.started_at.getTime() - answeredAt));
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    }

    // A 1 GiB upload streamed through the API while its memory is watched.
    const apiPid = api.child.pid;
    const baselineMiB = await currentRssMiB(apiPid);
    const boundary = `----bench${randomBytes(8).toString('hex')}`;
    const started = Date.now();
    const response = await fetch(`${base}/api/incidents/${incidentId}/bundles`, {
      method: 'POST',
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: generatedBody(boundary, GIB),
      duplex: 'half',
    });
    const uploadSeconds = (Date.now() - started) / 1000;
    const bigUpload = await response.json();
    if (response.status !== 201)
      throw new Error(`1 GiB upload answered ${response.status}: ${JSON.stringify(bigUpload)}`);
    const peakMiB = await peakRssMiB(apiPid);

    return {
      uploadToRunning: {
        uploads,
        p50Ms: percentile(delays, 50),
        p95Ms: percentile(delays, 95),
        maxMs: Math.max(...delays),
        targetMs: 1000,
      },
      upload1GiB: {
        bytes: GIB,
        seconds: Number(uploadSeconds.toFixed(2)),
        throughputMiBps: Number((1024 / uploadSeconds).toFixed(1)),
        apiBaselineRssMiB: Number(baselineMiB.toFixed(1)),
        apiPeakRssMiB: Number(peakMiB.toFixed(1)),
        targetPeakRssMiB: 300,
      },
    };
  } finally {
    await db.end().catch(() => {});
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    api.child.kill('SIGKILL');
    worker.child.kill('SIGKILL');
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    execFileSync('sh', [
      '-c',
      `redis-cli -u ${REDIS_URL} --scan --pattern '${prefix}:*' | xargs -r redis-cli -u ${REDIS_URL} del > /dev/null`,
    ]);
    await rm(dataDir, { recursive: true, force: true });
  }
}
