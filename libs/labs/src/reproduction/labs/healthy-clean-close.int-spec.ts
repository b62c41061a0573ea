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

describe.skipIf(!canRun)('healthy-clean-close lab on this kernel', () => {
  it('client-initiated closes: FIN both ways, conntrack walks to TIME_WAIT', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-clean-close',
      'direct-client-closes-full-artifacts',
    );
    expect(bundle.result.expected).toMatchObject({ rootCause: null });
    expect(healthProblems(bundle)).toEqual([]);
    const fins = bundle.capture('capture.pcap').filter((p) => p.flags?.includes('F') === true);
    expect(fins).toHaveLength(8);
    const events = bundle.read('conntrack-events.txt');
    expect(conntrackEvents(events, 'NEW')).toHaveLength(4);
    expect(events).toMatch(/\[UPDATE\] tcp .* TIME_WAIT /);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);

  it('server-initiated closes through a router: TIME_WAIT on the server, plain events', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-clean-close',
      'routed-server-closes-events-only',
    );
    expect(healthProblems(bundle)).toEqual([]);
    const events = bundle.read('conntrack-events.txt');
    expect(events).not.toMatch(/^\[\d/m);
    expect(conntrackEvents(events, 'NEW')).toHaveLength(6);
    expect(events).toMatch(/\[UPDATE\] tcp .* TIME_WAIT /);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);
});
