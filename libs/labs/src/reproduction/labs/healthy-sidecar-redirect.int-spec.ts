import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { healthProblems, runBundleUnderTest } from './lab-bundle-under-test.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

describe.skipIf(!canRun)('healthy-sidecar-redirect lab on this kernel', () => {
  it('inbound REDIRECT: every proxied session closes in both directions', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-sidecar-redirect',
      'inbound-redirect-full-artifacts',
    );
    expect(healthProblems(bundle)).toEqual([]);
    expect(bundle.read('iptables-save.txt')).toMatch(/REDIRECT --to-ports 15006/);
    expect(bundle.read('sidecar.log').match(/closing: both directions closed/g)).toHaveLength(3);
    expect(bundle.read('sidecar-access.log').trim().split('\n')).toHaveLength(3);
    expect(bundle.read('sysctl-net.txt')).toMatch(/nf_conntrack_tcp_be_liberal = 0/);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);

  it('outbound REDIRECT with the proxy uid exempt', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-sidecar-redirect',
      'outbound-redirect-events-no-capture',
    );
    expect(healthProblems(bundle)).toEqual([]);
    expect(bundle.read('sidecar.log').match(/closing: both directions closed/g)).toHaveLength(4);
    expect(bundle.read('conntrack-events.txt')).toMatch(/dport=80 .*sport=15001/);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);
});
