import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { conntrackEvents } from './bundle-text.js';
import { healthProblems, runBundleUnderTest } from './lab-bundle-under-test.js';
import { resets } from './tcpdump-text.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

describe.skipIf(!canRun)('healthy-connection-refused lab on this kernel', () => {
  it('a SYN to a closed port gets RST/ACK and "connection refused", nothing else resets', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-connection-refused',
      'direct-wrong-port-client-capture',
    );
    expect(healthProblems(bundle, { refusedPorts: [8081] })).toEqual([]);
    const refusals = resets(bundle.capture('client-eth0.pcap'));
    expect(refusals.map((p) => `${p.flags} ${p.sport}`)).toEqual(['R. 8081', 'R. 8081']);
    expect(bundle.read('client.log')).toMatch(
      /dial tcp 10\.78\.72\.20:8081: connect: connection refused/,
    );
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);

  it('a DNATed backend that does not listen: refused through the NAT, entry closed', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-connection-refused',
      'dnat-backend-not-listening-events',
    );
    expect(healthProblems(bundle)).toEqual([]);
    const events = bundle.read('conntrack-events.txt');
    // The backend's RST to an unreplied SYN ends the entry at once: NEW, then DESTROY in CLOSE.
    expect(
      conntrackEvents(events, 'NEW').filter((line) => /dport=80 .*sport=9090/.test(line)),
    ).toHaveLength(3);
    expect(
      conntrackEvents(events, 'DESTROY').filter((line) =>
        / CLOSE .*dport=80 \[UNREPLIED\].*sport=9090/.test(line),
      ),
    ).toHaveLength(3);
    expect(bundle.read('client.log')).not.toContain('?:?');
    expect(bundle.read('client.log')).toMatch(
      /dial tcp 10\.78\.200\.21:80: connect: connection refused/,
    );
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);
});
