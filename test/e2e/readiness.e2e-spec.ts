import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@test/support/free-port.js';
import { TestStack } from '@test/support/test-stack.js';

// /readyz answers 200 only when both PostgreSQL and the queue backend answer; /healthz
// only says the process is alive. Here the queue's Redis is a port nobody listens on.
describe('readiness with the queue backend unreachable', () => {
  let stack: TestStack;

  beforeAll(async () => {
    const deadPort = await freePort();
    stack = await TestStack.start({
      queue: 'redis',
      workers: 0,
      apiEnv: { REDIS_URL: `redis://127.0.0.1:${deadPort}` },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should stay alive but report not ready, naming the failing dependency', async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as {
      checks: { database: { ok: boolean }; queue: { ok: boolean; error?: string } };
    };
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.queue.ok).toBe(false);
    expect(body.checks.queue.error).toMatch(/timed out|ECONNREFUSED/);
  });

  it('should refuse an upload it cannot queue, keeping the bundle for a later reanalysis', async () => {
    const client = stack.client(await stack.createToken('alpha'));
    const incidentId = await client.createIncident('queue down');
    const upload = await client.upload(
      incidentId,
      Buffer.from('Linux n 6.1.0 #1 SMP x86_64 GNU/Linux\n'),
      'uname.txt',
    );
    expect(upload.status).toBe(503);
    expect(String(upload.body.message)).toMatch(/reanalyzeBundle/);
    const incident = await client.data<{
      incident: { bundles: { analyses: { status: string; errorCode: string }[] }[] };
    }>('query ($id: ID!) { incident(id: $id) { bundles { analyses { status errorCode } } } }', {
      id: incidentId,
    });
    expect(incident.incident.bundles).toEqual([
      { analyses: [{ status: 'FAILED', errorCode: 'QUEUE_UNAVAILABLE' }] },
    ]);
  });
});
