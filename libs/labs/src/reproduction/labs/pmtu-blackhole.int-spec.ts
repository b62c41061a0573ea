import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { pmtuBlackholeLab } from './pmtu-blackhole.lab.js';
import { runBundleUnderTest } from './lab-bundle-under-test.js';
import { retransmissions, senderOf, type PrintedPacket } from './tcpdump-text.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

function runVariant(variant: string) {
  return runBundleUnderTest(pmtuBlackholeLab.id, variant);
}

/** Full-size segments of one sender that were sent again: the black hole's fingerprint. */
function fullSizeRetransmissions(
  packets: readonly PrintedPacket[],
  sender: string,
): PrintedPacket[] {
  return retransmissions(packets).filter((p) => senderOf(p) === sender && (p.payload ?? 0) > 1280);
}

/** The counter pair iptables-save -c prints before a rule: `[packets:bytes] -A …`. */
function dropCounter(saved: string, pattern: RegExp): number {
  const line = saved.split('\n').find((l) => pattern.test(l) && l.includes('-j DROP'));
  return Number(/^\[(\d+):/.exec(line ?? '')?.[1] ?? 0);
}

describe.skipIf(!canRun)('pmtu-blackhole lab on this kernel', () => {
  it('IPv4: full-size replies retransmitted unanswered, frag-needed dropped at the narrow hop', async () => {
    const { result, read, capture, cleanup } = await runVariant(
      'ipv4-narrow-hop-download-server-capture',
    );
    const packets = capture('server-eth0.pcap');
    expect(fullSizeRetransmissions(packets, '10.78.53.20:8080').length).toBeGreaterThanOrEqual(3);
    // The sender never saw the ICMP error: it was dropped before leaving the node.
    expect(packets.some((p) => p.icmp?.includes('need to frag') === true)).toBe(false);
    expect(dropCounter(read('nodeb-iptables-save.txt'), /icmp-type 3\/4/)).toBeGreaterThan(0);
    expect(read('nodeb-ip-addr.txt')).toMatch(/tun0.*mtu 1280/);
    expect(read('sysctl-net.txt')).toMatch(/net\.ipv4\.tcp_mtu_probing = 0/);
    const log = read('client.log');
    expect(log).toMatch(/GET \/bytes\/300: HTTP\/1.1 200 OK/);
    expect(log).toContain(`${result.expected.flow!.client} -> 10.78.53.20:8080`);
    expect(log).toMatch(/\/bytes\/300000": (context deadline exceeded|net\/http: timeout)/);
    expect(result.durationMs).toBeLessThan(15_000);
    cleanup();
  }, 40_000);

  it('IPv6: the client keeps sending full-size segments although packet-too-big reaches it', async () => {
    const { result, read, capture, cleanup } = await runVariant(
      'ipv6-upload-packet-too-big-dropped-client-capture',
    );
    const packets = capture('client.pcap');
    const client = result.expected.flow!.client;
    expect(fullSizeRetransmissions(packets, client).length).toBeGreaterThanOrEqual(3);
    expect(packets.some((p) => /packet too big, mtu 1280/.test(p.icmp ?? ''))).toBe(true);
    expect(
      dropCounter(read('ip6tables-save.txt'), /icmpv6-type (2|packet-too-big)\b/),
    ).toBeGreaterThan(0);
    expect(read('client.log')).toMatch(/POST \/upload\/small: HTTP\/1.1 200 OK/);
    expect(read('client.log')).toMatch(
      /upload\/large": net\/http: timeout awaiting response headers/,
    );
    expect(result.durationMs).toBeLessThan(15_000);
    cleanup();
  }, 40_000);
});
