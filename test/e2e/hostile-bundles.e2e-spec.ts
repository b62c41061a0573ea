import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILES, tarGz } from '@test/support/bundle-builder.js';
import type { ApiClient } from '@test/support/api-client.js';
import { TestStack } from '@test/support/test-stack.js';

// Bad input fails alone, with a message that names the problem, and nothing else suffers.
describe('hostile and broken bundles', () => {
  let stack: TestStack;
  let client: ApiClient;
  let incidentId: string;

  beforeAll(async () => {
    stack = await TestStack.start({
      queue: 'redis',
      apiEnv: { BUNDLE_MAX_BYTES: String(64 * 1024) },
    });
    client = stack.client(await stack.createToken('alpha'));
    incidentId = await client.createIncident('hostile input');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should fail a zip-slip archive with a path-traversal error', async () => {
    const upload = await client.upload(
      incidentId,
      await tarGz([
        { path: 'ok.txt', content: 'payload\n' },
        { path: '../../etc/cron.d/evil', content: 'payload\n' },
      ]),
      'slip.tgz',
    );
    expect(upload.status).toBe(201);
    const analysis = await client.waitForAnalysis(String(upload.body.analysisId));
    expect(analysis.status).toBe('FAILED');
    expect(analysis.error).toMatch(/slip\.tgz/);
    expect(analysis.error).toMatch(/\.\.\/\.\.\/etc\/cron\.d\/evil/);
    expect(analysis.error).toMatch(/traversal|escapes/i);
    expect(analysis.attempts).toBe(1); // bad input is never retried
    expect(analysis.stages.find((s) => s.name === 'unpack')?.state).toBe('failed');
    expect(analysis.bundle.artifacts).toEqual([]);
  });

  it('should fail a truncated archive with a clear error', async () => {
    const whole = await tarGz(SAMPLE_FILES);
    const upload = await client.upload(
      incidentId,
      whole.subarray(0, Math.floor(whole.length * 0.6)),
      'cut.tar.gz',
    );
    const analysis = await client.waitForAnalysis(String(upload.body.analysisId));
    expect(analysis.status).toBe('FAILED');
    expect(analysis.error).toMatch(/cut\.tar\.gz/);
    expect(analysis.error).toMatch(/truncated|corrupt|unexpected end/i);
  });

  it('should refuse an upload over the size limit without storing it', async () => {
    const upload = await client.upload(incidentId, Buffer.alloc(65 * 1024, 7), 'big.bin');
    expect(upload.status).toBe(413);
    expect(String(upload.body.message)).toMatch(/65536 bytes/);
  });

  it('should refuse a request without the file field', async () => {
    const form = new FormData();
    form.append('notes', 'no file here');
    const response = await fetch(`${stack.baseUrl}/api/incidents/${incidentId}/bundles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.createToken('alpha')}` },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/"file"/);
  });

  it('should let a damaged artifact fail alone while the rest of the bundle is read', async () => {
    const capture = await readFile(
      new URL('../../libs/evidence/src/flows/__fixtures__/half-close.pcap', import.meta.url),
    );
    const bundle = await tarGz([
      { path: 'node/cut.pcap', content: capture.subarray(0, Math.floor(capture.length * 0.7)) },
      ...SAMPLE_FILES.slice(0, 1),
    ]);
    const upload = await client.upload(incidentId, bundle, 'partly-broken.tgz');
    const analysis = await client.waitForAnalysis(String(upload.body.analysisId));
    expect(analysis.status, stack.logs()).toBe('SUCCEEDED');
    const byPath = Object.fromEntries(analysis.bundle.artifacts.map((a) => [a.path, a]));
    expect(byPath['node/cut.pcap']).toMatchObject({ kind: 'pcap', status: 'PARSED' });
    expect(byPath['node/cut.pcap']?.error).toMatch(/ends inside packet \d+|truncat/i);
    expect(byPath['node/cut.pcap']?.errorLocator).toMatch(/^node\/cut\.pcap#packet \d+$/);
    expect(byPath['node-a/ss.txt']).toMatchObject({ kind: 'ss', status: 'PARSED', error: null });
  });

  it('should keep serving: a good bundle after the bad ones still succeeds', async () => {
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
    const upload = await client.upload(incidentId, await tarGz(SAMPLE_FILES), 'good.tgz');
    const analysis = await client.waitForAnalysis(String(upload.body.analysisId));
    expect(analysis.status, stack.logs()).toBe('SUCCEEDED');
    expect(analysis.bundle.artifacts).toHaveLength(3);
  });
});
