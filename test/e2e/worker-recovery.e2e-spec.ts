import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILES, tarGz } from '@test/support/bundle-builder.js';
import type { AnalysisSnapshot, ApiClient } from '@test/support/api-client.js';
import { TestStack } from '@test/support/test-stack.js';

// A worker killed with SIGKILL mid-job leaves a stalled job; another worker takes it over
// once the lock lapses, and the idempotent stages leave exactly one set of rows.
describe('worker killed mid-analysis', () => {
  let stack: TestStack;
  let client: ApiClient;

  beforeAll(async () => {
    stack = await TestStack.start({
      queue: 'redis',
      workers: 0,
      workerEnv: {
        WORKER_STAGE_DELAY_MS: '1500',
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '1000',
      },
    });
    client = stack.client(await stack.createToken('alpha'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should be finished by another worker without duplicate rows', async () => {
    const victim = await stack.startWorker();
    const incidentId = await client.createIncident('worker crash');
    const upload = await client.upload(incidentId, await tarGz(SAMPLE_FILES), 'crash.tgz');
    const analysisId = String(upload.body.analysisId);

    // Kill the worker while it is inside the detect stage, after unpack wrote its rows.
    const deadline = Date.now() + 30_000;
    let state: AnalysisSnapshot | undefined;
    while (Date.now() < deadline) {
      state = (
        await client.data<{ analysis: AnalysisSnapshot }>(
          'query ($id: ID!) { analysis(id: $id) { id status stage progress attempts stages { name state note } bundle { id originalName sha256 artifacts { path kind status error sizeBytes } } findings { id rootCauseId confidence } error errorCode catalogueVersion } }',
          { id: analysisId },
        )
      ).analysis;
      if (state.stage === 'detect') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(state?.stage, stack.logs()).toBe('detect');
    victim.kill('SIGKILL');
    await victim.exited;

    const rescuer = await stack.startWorker();
    const finished = await client.waitForAnalysis(analysisId, 60_000);
    expect(finished.status, stack.logs()).toBe('SUCCEEDED');
    expect(finished.bundle.artifacts.map((a) => a.path)).toEqual([
      'node-a/conntrack.txt',
      'node-a/ss.txt',
      'node-a/uname.txt',
    ]);
    expect(
      rescuer.logLines().some((line) => line.analysisId === analysisId && line.stage === 'detect'),
    ).toBe(true);

    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    try {
      const counts = await db.query<{
        artifacts: number;
        analyses: number;
        bundles: number;
        findings: number;
      }>(
        `SELECT (SELECT count(*)::int FROM artifacts) AS artifacts, (SELECT count(*)::int FROM analyses) AS analyses,
                (SELECT count(*)::int FROM bundles) AS bundles, (SELECT count(*)::int FROM findings) AS findings`,
      );
      expect(counts.rows[0]).toEqual({ artifacts: 3, analyses: 1, bundles: 1, findings: 0 });
    } finally {
      await db.end();
    }
  });
});
