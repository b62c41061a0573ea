import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { conntrackEvents } from './bundle-text.js';
import { healthProblems, runBundleUnderTest } from './lab-bundle-under-test.js';
import { senderOf } from './tcpdump-text.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

describe.skipIf(!canRun)('healthy-idle-keepalive lab on this kernel', () => {
  it('client keepalive probes keep the router entry alive across a gap longer than its timeout', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-idle-keepalive',
      'client-keepalive-under-conntrack-timeout',
    );
    expect(healthProblems(bundle)).toEqual([]);
    expect(bundle.read('router-sysctl-net.txt')).toMatch(
      /nf_conntrack_tcp_timeout_established = 5\n/,
    );
    const packets = bundle.capture('capture.pcap');
    const client = packets.find((p) => p.flags === 'S')!;
    const fromClient = packets.filter((p) => senderOf(p) === senderOf(client));
    // Probes: bare segments from the client, none of them carrying data, during the idle gap.
    const probes = fromClient.filter((p) => p.flags === '.' && p.payload === 0);
    expect(probes.length).toBeGreaterThanOrEqual(5);
    // One flow, one entry: never destroyed and re-created by the second request.
    expect(conntrackEvents(bundle.read('conntrack-events.txt'), 'NEW')).toHaveLength(1);
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);

  it('server keepalive probes through a service DNAT', async () => {
    const bundle = await runBundleUnderTest(
      'healthy-idle-keepalive',
      'server-keepalive-through-dnat',
    );
    expect(healthProblems(bundle)).toEqual([]);
    const events = bundle.read('conntrack-events.txt');
    expect(conntrackEvents(events, 'NEW')).toHaveLength(2);
    expect(events).toMatch(/dst=10\.78\.200\.11 .*dport=80 .*src=10\.78\.67\.20/);
    expect(conntrackEvents(events, 'DESTROY').filter((line) => /ESTABLISHED/.test(line))).toEqual(
      [],
    );
    expect(bundle.result.durationMs).toBeLessThan(15_000);
    bundle.cleanup();
  }, 40_000);
});
