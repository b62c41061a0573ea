import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@test/support/free-port.js';
import { CLI_ENTRY, RunningProcess } from '@test/support/service-process.js';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// `npm start` on a bare machine: no DATABASE_URL, no REDIS_URL. An embedded PostgreSQL
// under the data directory holds both the data and the queue.
describe('netmortem start with nothing configured', () => {
  let dataDir: string;
  let port: number;
  let service: RunningProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'nm-start-'));
    // The embedded cluster runs as the postgres user when we are root; it must reach the folder.
    await chmod(dataDir, 0o755);
    port = await freePort();
    service = new RunningProcess('netmortem start', CLI_ENTRY, ['start'], {
      NETMORTEM_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    await service.waitForOutput(/netmortem: ready: dashboard and API at/, 150_000);
  });
  afterAll(async () => {
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should serve a ready API backed by the embedded database and PostgreSQL queue', async () => {
    expect(service.text).toMatch(/\(embedded\), migrations applied/);
    expect(service.text).toMatch(/queue on PostgreSQL/);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/netmortem/i);
  });

  it('should print how to sign in and a working one-time admin token', async () => {
    const token = service.text.match(/Admin API token \(shown once\): (nmt_\S+)/)?.[1];
    expect(token, service.text).toBeDefined();
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          '{ me { role team { name } } incidents { nodes { title bundles { analyses { status } } } } }',
      }),
    });
    const body = (await response.json()) as {
      data: {
        me: { role: string; team: { name: string } };
        incidents: { nodes: { title: string; bundles: { analyses: { status: string }[] }[] }[] };
      };
    };
    expect(body.data.me).toEqual({ role: 'ADMIN', team: { name: 'default' } });
    // The example bundles were uploaded through the API so the dashboard is not empty.
    expect(body.data.incidents.nodes.length).toBeGreaterThan(0);
  });

  it('should analyse the example bundles so the dashboard opens on findings', async () => {
    const token = service.text.match(/Admin API token \(shown once\): (nmt_\S+)/)?.[1];
    type Examples = {
      incidents: {
        nodes: {
          title: string;
          analyses: { status: string; findings: { rootCause: { id: string } | null }[] }[];
        }[];
      };
    };
    const deadline = Date.now() + 90_000;
    let examples: Examples | undefined;
    while (Date.now() < deadline) {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query:
            '{ incidents(first: 50) { nodes { title analyses { status findings { rootCause { id } } } } } }',
        }),
      });
      examples = ((await response.json()) as { data: Examples }).data;
      const analyses = examples.incidents.nodes.flatMap((n) => n.analyses);
      if (
        analyses.length > 0 &&
        analyses.every((a) => a.status === 'SUCCEEDED' || a.status === 'FAILED')
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const lab = examples?.incidents.nodes.find((n) => n.title.startsWith('Lab: sidecar resets'));
    expect(lab?.analyses[0]?.status, JSON.stringify(examples)).toBe('SUCCEEDED');
    expect(lab!.analyses[0]!.findings[0]?.rootCause?.id).toBe('ct-invalid-not-natted-rst');
  });

  it('should stop the services and the embedded database on SIGTERM', async () => {
    const clusterPort = Number(
      service.text.match(/embedded PostgreSQL listening on 127\.0\.0\.1:(\d+)/)?.[1],
    );
    expect(clusterPort).toBeGreaterThan(0);
    service.kill('SIGTERM');
    const exit = await service.exited;
    expect(exit.code).toBe(0);
    expect(await portOpen(port)).toBe(false);
    expect(await portOpen(clusterPort)).toBe(false);
  });
});
