import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILES, tarGz } from '@test/support/bundle-builder.js';
import { TEST_REDIS_URL } from '@test/support/test-queue.js';
import { TestStack } from '@test/support/test-stack.js';

// The zero-install path: no REDIS_URL, so BullMQ runs on its PostgreSQL backend.
describe('upload → queue → worker with the queue on PostgreSQL', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'postgres', workers: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should analyse bundles end to end without touching Redis', async () => {
    const client = stack.client(await stack.createToken('alpha'));
    const incidentId = await client.createIncident('pg queue');
    const uploads = await Promise.all(
      [SAMPLE_FILES, SAMPLE_FILES.slice(0, 2), SAMPLE_FILES.slice(2)].map(async (files, i) =>
        client.upload(incidentId, await tarGz(files), `b${i}.tgz`),
      ),
    );
    const analyses = await Promise.all(
      uploads.map((upload) => client.waitForAnalysis(String(upload.body.analysisId))),
    );
    expect(
      analyses.map((a) => a.status),
      stack.logs(),
    ).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(analyses.map((a) => a.bundle.artifacts.length)).toEqual([3, 2, 1]);

    const ready = (await (await fetch(`${stack.baseUrl}/readyz`)).json()) as {
      checks: { queue: { ok: boolean } };
    };
    expect(ready.checks.queue.ok).toBe(true);
    expect(stack.workers[0]!.text).toMatch(/postgresql schema/);

    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${stack.prefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
