import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { json } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import { createPrismaClient } from '@netmortem/db';
import { createObjectStore } from '@netmortem/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarGz } from '@test/support/bundle-builder.js';
import type { ApiClient } from '@test/support/api-client.js';
import { CLI_ENTRY, REPO_ROOT } from '@test/support/service-process.js';
import { TestStack } from '@test/support/test-stack.js';

const run = promisify(execFile);
const EXAMPLE = path.join(REPO_ROOT, 'examples/client-node-kube-proxy');

interface Verdict {
  capture: string;
  index: number;
  summary: string;
  ctinfo: string | null;
  ctStateBefore: string | null;
  ctStateAfter: string | null;
  entryId: number | null;
}

interface StoredSimulation {
  input: { packets: number; captures: string[] };
  packets: Verdict[];
  timeline: { kind: string }[];
  report: { packetsReplayed: number; invalid: number; overCap: number; issues: unknown[] };
}

// The simulate stage through the real API, queue (Redis), worker, PostgreSQL and object
// store: an uploaded example bundle is replayed and the replay stored beside the analysis.
describe('upload → worker simulate stage (Redis queue)', () => {
  let stack: TestStack;
  let client: ApiClient;

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'redis' });
    client = stack.client(await stack.createToken('alpha'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should replay every packet of the uploaded capture and store the replay on the analysis', async () => {
    const names = await readdir(EXAMPLE);
    const files = await Promise.all(
      names.map(async (name) => ({
        path: `client-node/${name}`,
        content: await readFile(path.join(EXAMPLE, name)),
      })),
    );
    const incidentId = await client.createIncident('port-forward loses its connection');
    const upload = await client.upload(incidentId, await tarGz(files), 'client-node.tar.gz');
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);

    const analysis = await client.waitForAnalysis(String(upload.body.analysisId));
    expect(analysis.status, stack.logs()).toBe('SUCCEEDED');
    const simulate = analysis.stages.find((s) => s.name === 'simulate');
    expect(simulate?.state, stack.logs()).toBe('done');

    const prisma = createPrismaClient({ databaseUrl: stack.database.url });
    const row = await prisma.analysis
      .findUniqueOrThrow({ where: { id: analysis.id } })
      .finally(() => prisma.$disconnect());
    expect(row.simulationKey).toMatch(/^sha256\/[0-9a-f]{64}$/);
    const store = createObjectStore({ dataDir: stack.dataDir });
    const stored = (await json(
      (await store.get(row.simulationKey!)).pipe(createGunzip()),
    )) as StoredSimulation;

    // The same bundle through `netmortem simulate`: the stage must agree with the CLI.
    const cli = JSON.parse(
      (
        await run(process.execPath, [CLI_ENTRY, 'simulate', EXAMPLE, '--format', 'json'], {
          maxBuffer: 64 * 1024 ** 2,
          env: { PATH: process.env.PATH },
        })
      ).stdout,
    ) as { packets: Verdict[] };
    expect(stored.packets.map((p) => [p.index, p.ctinfo, p.ctStateBefore, p.ctStateAfter])).toEqual(
      cli.packets.map((p) => [p.index, p.ctinfo, p.ctStateBefore, p.ctStateAfter]),
    );

    // Every packet of the capture replayed, none over the cap.
    expect(stored.input.captures).toEqual(['client-node/client.pcap']);
    expect(stored.report).toMatchObject({
      packetsReplayed: stored.packets.length,
      overCap: 0,
      issues: [],
    });
    expect(stored.packets.map((p) => p.index)).toEqual(
      Array.from({ length: stored.input.packets }, (_, i) => i + 1),
    );
    // Handshakes: the SYN is NEW, the SYN-ACK and the ACK after it are ESTABLISHED.
    const opened = stored.packets.filter((p) => p.summary.startsWith('SYN from'));
    expect(opened.length).toBeGreaterThan(0);
    for (const syn of opened) {
      expect(syn.ctinfo).toBe('NEW');
      const rest = stored.packets.filter((p) => p.entryId === syn.entryId && p !== syn);
      if (rest.length === 0) continue; // a SYN nobody answered in the capture
      expect(rest[0]).toMatchObject({ ctinfo: 'ESTABLISHED', ctStateAfter: 'SYN_RECV' });
      expect(rest.every((p) => p.ctinfo === 'ESTABLISHED')).toBe(true);
    }
    expect(simulate?.note).toMatch(
      new RegExp(`^${stored.packets.length} packets replayed: ${stored.report.invalid} INVALID`),
    );

    // The stage times itself and logs the counts it noted.
    const stages = row.stages as Record<string, { durationMs?: number }>;
    expect(stages.simulate?.durationMs).toBeGreaterThanOrEqual(0);
    const logged = stack.workers
      .flatMap((worker) => worker.logLines())
      .find((line) => line.msg === 'simulation stored');
    expect(logged).toMatchObject({
      simulationKey: row.simulationKey,
      packetsReplayed: stored.packets.length,
      invalid: stored.report.invalid,
    });
  });
});
