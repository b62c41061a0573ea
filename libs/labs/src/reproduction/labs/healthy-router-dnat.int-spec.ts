import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { conntrackEvents } from './bundle-text.js';
import { healthProblems, runBundleUnderTest } from './lab-bundle-under-test.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

describe.skipIf(!canRun)('healthy-router-dnat lab on this kernel', () => {
  it('one backend: NEW, ESTABLISHED [ASSURED], TIME_WAIT and DESTROY for every flow', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-router-dnat',
      'single-backend-masquerade-timestamped-events',
    );
    expect(healthProblems(bundle)).toEqual([]);
    const events = bundle.read('conntrack-events.txt');
    expect(conntrackEvents(events, 'NEW')).toHaveLength(5);
    expect(events.match(/ESTABLISHED .*\[ASSURED\]/g)?.length).toBeGreaterThanOrEqual(5);
    expect(events).toMatch(/TIME_WAIT/);
    expect(conntrackEvents(events, 'DESTROY').length).toBeGreaterThanOrEqual(1);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);

  it('two backends in turn: both serve, replies un-NATed', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-router-dnat',
      'two-backends-nth-plain-events-client-capture',
    );
    expect(healthProblems(bundle)).toEqual([]);
    expect(bundle.read('backa.log')).toMatch(/GET \/bytes\/900/);
    expect(bundle.read('backb.log')).toMatch(/GET \/bytes\/900/);
    const packets = bundle.capture('capture.pcap').filter((p) => p.flags !== undefined);
    // The client only ever talks to the service address.
    expect(packets.every((p) => p.src === '10.78.200.31' || p.dst === '10.78.200.31')).toBe(true);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);
});
