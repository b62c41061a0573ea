import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { SAMPLE_FILES, tarGz } from '@test/support/bundle-builder.js';
import type { ApiClient } from '@test/support/api-client.js';
import { CLI_ENTRY } from '@test/support/service-process.js';
import { TestStack } from '@test/support/test-stack.js';

// The spine end to end on the default deployment (queue on Redis): upload, queue, worker,
// PostgreSQL, GraphQL and the live subscription.
describe('upload → queue → worker → GraphQL (Redis queue)', () => {
  let stack: TestStack;
  let client: ApiClient;
  let token: string;

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'redis' });
    token = await stack.createToken('alpha');
    client = stack.client(token);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should analyse an uploaded bundle and serve the artifacts with their detected kinds', async () => {
    const incidentId = await client.createIncident('checkout resets', {
      cluster: 'prod-eu',
      service: 'checkout',
    });
    const bundle = await tarGz(SAMPLE_FILES);
    const upload = await client.upload(incidentId, bundle, 'node-a.tar.gz', {
      'x-request-id': 'e2e-request-0001',
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    expect(upload.body.sha256).toBe(createHash('sha256').update(bundle).digest('hex'));

    const analysis = await client.waitForAnalysis(String(upload.body.analysisId));
    expect(analysis.status, stack.logs()).toBe('SUCCEEDED');
    expect(analysis.progress).toBe(100);
    expect(analysis.bundle.artifacts.map((a) => [a.path, a.kind, a.status])).toEqual([
      ['node-a/conntrack.txt', 'conntrack-table', 'PARSED'],
      ['node-a/ss.txt', 'ss', 'PARSED'],
      ['node-a/uname.txt', 'uname', 'PARSED'],
    ]);
    // A bundle without a capture gives the simulator nothing to replay, which is not a
    // failure; the matcher still reads the sockets and the conntrack table.
    expect(analysis.stages.map((s) => [s.name, s.state])).toEqual([
      ['unpack', 'done'],
      ['detect', 'done'],
      ['parse', 'done'],
      ['simulate', 'done'],
      ['match', 'done'],
      ['persist', 'done'],
    ]);
    expect(analysis.stages.find((s) => s.name === 'simulate')?.note).toBe(
      'nothing to replay: the bundle holds no capture (pcap or pcapng)',
    );
    expect(analysis.stages.find((s) => s.name === 'match')?.note).toMatch(/^no known root cause/);
    expect(analysis.catalogueVersion).toMatch(/^[0-9a-f]{12}$/);

    const incident = await client.data<{
      incident: {
        id: string;
        title: string;
        status: string;
        labels: Record<string, string>;
        bundles: { id: string; analyses: { id: string }[] }[];
      };
    }>(
      'query ($id: ID!) { incident(id: $id) { id title status labels bundles { id analyses { id } } } }',
      { id: incidentId },
    );
    expect(incident.incident).toMatchObject({
      title: 'checkout resets',
      status: 'OPEN',
      labels: { cluster: 'prod-eu', service: 'checkout' },
      bundles: [{ id: upload.body.bundleId, analyses: [{ id: upload.body.analysisId }] }],
    });
  });

  it('should carry the request id from the upload into the worker logs', () => {
    const lines = stack.workers.flatMap((worker) => worker.logLines());
    const traced = lines.filter((line) => line.requestId === 'e2e-request-0001');
    expect(traced.map((line) => line.stage)).toEqual(
      expect.arrayContaining(['unpack', 'detect', 'persist']),
    );
  });

  it('should recognise the same bytes uploaded again and serve the original for download', async () => {
    const incidentId = await client.createIncident('duplicate check');
    const bundle = await tarGz(SAMPLE_FILES.slice(0, 1));
    const first = await client.upload(incidentId, bundle, 'one.tgz');
    const again = await client.upload(incidentId, bundle, 'one-again.tgz');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      bundleId: first.body.bundleId,
      analysisId: first.body.analysisId,
      duplicate: true,
    });

    const otherIncident = await client.createIncident('same bytes, other incident');
    const elsewhere = await client.upload(otherIncident, bundle, 'one.tgz');
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.sameContentIn).toEqual([{ bundleId: first.body.bundleId, incidentId }]);

    const download = await fetch(
      `${stack.baseUrl}/api/bundles/${String(first.body.bundleId)}/download`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bundle);
  });

  it('should stream progress over graphql-ws until the analysis finishes, and reanalyse on demand', async () => {
    const incidentId = await client.createIncident('live progress');
    const upload = await client.upload(
      incidentId,
      await tarGz(SAMPLE_FILES.slice(1, 2)),
      'uname.tgz',
    );
    await client.waitForAnalysis(String(upload.body.analysisId));

    const reanalysis = await client.data<{ reanalyzeBundle: { id: string; status: string } }>(
      'mutation ($id: ID!) { reanalyzeBundle(bundleId: $id) { id status } }',
      { id: upload.body.bundleId },
    );
    expect(reanalysis.reanalyzeBundle.id).not.toBe(upload.body.analysisId);

    const ws = createClient({
      url: `${stack.baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    const seen: { status: string; progress: number }[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        ws.subscribe<{ analysisProgress: { status: string; progress: number } }>(
          {
            query:
              'subscription ($id: ID!) { analysisProgress(analysisId: $id) { analysisId status stage progress } }',
            variables: { id: reanalysis.reanalyzeBundle.id },
          },
          {
            next: (message) => {
              if (message.data) seen.push(message.data.analysisProgress);
              else reject(new Error(JSON.stringify(message.errors)));
            },
            error: reject,
            complete: resolve,
          },
        );
      });
    } finally {
      await ws.dispose();
    }
    expect(seen.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
    const progress = seen.map((event) => event.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('should list incidents newest first with cursor pagination and filters', async () => {
    const page1 = await client.data<{
      incidents: {
        nodes: { title: string }[];
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
    }>('{ incidents(first: 2) { nodes { title } pageInfo { endCursor hasNextPage } } }');
    expect(page1.incidents.nodes.map((n) => n.title)).toEqual([
      'live progress',
      'same bytes, other incident',
    ]);
    expect(page1.incidents.pageInfo.hasNextPage).toBe(true);
    const page2 = await client.data<{ incidents: { nodes: { title: string }[] } }>(
      'query ($after: String) { incidents(first: 10, after: $after) { nodes { title } } }',
      { after: page1.incidents.pageInfo.endCursor },
    );
    expect(page2.incidents.nodes.map((n) => n.title)).toEqual([
      'duplicate check',
      'checkout resets',
    ]);
    const filtered = await client.data<{ incidents: { nodes: { title: string }[] } }>(
      '{ incidents(filter: { labels: { service: "checkout" }, text: "RESETS", statuses: [OPEN] }) { nodes { title } } }',
    );
    expect(filtered.incidents.nodes.map((n) => n.title)).toEqual(['checkout resets']);
  });

  it('should upload a directory with `netmortem upload` and wait for the verdict', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'nm-cli-upload-'));
    try {
      for (const file of SAMPLE_FILES) {
        await mkdir(path.dirname(path.join(folder, file.path)), { recursive: true });
        await writeFile(path.join(folder, file.path), file.content);
      }
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          CLI_ENTRY,
          'upload',
          folder,
          '--server',
          stack.baseUrl,
          '--token',
          token,
          '--title',
          'from the CLI',
          '--json',
        ],
        { env: { PATH: process.env.PATH } },
      );
      const result = JSON.parse(stdout) as {
        incidentId: string;
        analysis: { status: string; bundle: { artifacts: { kind: string }[] } };
      };
      expect(result.analysis.status).toBe('SUCCEEDED');
      expect(result.analysis.bundle.artifacts.map((a) => a.kind).sort()).toEqual([
        'conntrack-table',
        'ss',
        'uname',
      ]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('should refuse a query nested deeper than the configured limit', async () => {
    const deep = await client.graphql(
      '{ incidents { nodes { bundles { analyses { bundle { analyses { bundle { analyses { bundle { analyses { id } } } } } } } } } } }',
    );
    expect(deep.data ?? null).toBeNull();
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('should move an incident through its statuses and keep its comments', async () => {
    const incidentId = await client.createIncident('status flow');
    const mitigated = await client.data<{
      updateIncident: { status: string; mitigatedAt: string | null; resolvedAt: string | null };
    }>(
      'mutation ($id: ID!) { updateIncident(id: $id, input: { status: MITIGATED, severity: HIGH }) { status mitigatedAt resolvedAt } }',
      { id: incidentId },
    );
    expect(mitigated.updateIncident).toMatchObject({ status: 'MITIGATED', resolvedAt: null });
    expect(mitigated.updateIncident.mitigatedAt).not.toBeNull();
    await client.data(
      'mutation ($id: ID!) { addComment(incidentId: $id, body: "drop INVALID in mangle") { id } }',
      { id: incidentId },
    );
    const resolved = await client.data<{
      updateIncident: { status: string; mitigatedAt: string; resolvedAt: string | null };
    }>(
      'mutation ($id: ID!) { updateIncident(id: $id, input: { status: RESOLVED }) { status mitigatedAt resolvedAt } }',
      { id: incidentId },
    );
    expect(resolved.updateIncident.mitigatedAt).toBe(mitigated.updateIncident.mitigatedAt);
    expect(resolved.updateIncident.resolvedAt).not.toBeNull();
    const read = await client.data<{ incident: { comments: { body: string; author: string }[] } }>(
      'query ($id: ID!) { incident(id: $id) { comments { body author } } }',
      { id: incidentId },
    );
    expect(read.incident.comments).toEqual([
      { body: 'drop INVALID in mangle', author: expect.stringMatching(/^token:/) as string },
    ]);
    const empty = await client.graphql(
      'mutation ($id: ID!) { updateIncident(id: $id, input: {}) { id } }',
      { id: incidentId },
    );
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
