import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { listenQueue } from './bundle-text.js';
import { healthProblems, runBundleUnderTest } from './lab-bundle-under-test.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

describe.skipIf(!canRun)('healthy-busy-server lab on this kernel', () => {
  it('72 short connections in waves: the accept queue never fills', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-busy-server',
      'short-connection-waves-server-capture',
    );
    expect(healthProblems(bundle)).toEqual([]);
    const queue = listenQueue(bundle.read('ss-ltn.txt'), 8080);
    expect(queue?.limit).toBe(511);
    expect(queue!.queued).toBeLessThan(10);
    const syns = bundle.capture('server-eth0.pcap').filter((p) => p.flags === 'S');
    expect(syns).toHaveLength(72);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);

  it('a keep-alive pool through a router: every request answered', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-busy-server',
      'keepalive-pool-through-router-client-capture',
    );
    expect(healthProblems(bundle)).toEqual([]);
    expect(bundle.read('client.log').match(/HTTP\/1.1 200 OK/g)).toHaveLength(24 * 6);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);
});
