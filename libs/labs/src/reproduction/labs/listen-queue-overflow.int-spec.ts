import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { listenQueue, nstatCounter } from './bundle-text.js';
import { listenQueueOverflowLab } from './listen-queue-overflow.lab.js';
import { runBundleUnderTest } from './lab-bundle-under-test.js';
import { resets, senderOf } from './tcpdump-text.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} plus tc (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

function runVariant(variant: string) {
  return runBundleUnderTest(listenQueueOverflowLab.id, variant);
}

function expectOverflowCounters(read: (name: string) => string, port: number): void {
  const queue = listenQueue(read('ss-ltn.txt'), port);
  // The kernel admits backlog + 1 before it calls the queue full.
  expect(queue).toBeDefined();
  expect(queue!.queued).toBeGreaterThan(queue!.limit);
  for (const counter of ['TcpExtListenOverflows', 'TcpExtListenDrops'])
    expect(nstatCounter(read('nstat.txt'), counter)).toBeGreaterThan(
      nstatCounter(read('before-nstat.txt'), counter),
    );
}

describe.skipIf(!canRun)('listen-queue-overflow lab on this kernel', () => {
  it('drops SYNs while the accept queue is full: retried SYNs, dial timeouts', async () => {
    const { result, read, capture, cleanup } = await runVariant('syn-drops-server-capture');
    expectOverflowCounters(read, 8080);
    const failing = result.expected.flow!.client;
    const packets = capture('server-eth0.pcap');
    const fromFailing = packets.filter((p) => senderOf(p) === failing);
    expect(fromFailing.length).toBeGreaterThanOrEqual(2);
    expect(fromFailing.every((p) => p.flags === 'S')).toBe(true);
    // No SYN-ACK ever went back to it: the SYN was dropped at the full queue.
    expect(
      packets.some(
        (p) => p.dst === failing.split(':')[0] && p.dport === Number(failing.split(':')[1]),
      ),
    ).toBe(false);
    expect(read('client.log')).toMatch(/dial tcp 10\.78\.41\.20:8080: i\/o timeout/);
    // The late clients got in once the handler returned, seconds after their first SYN.
    expect(read('client.log')).toMatch(/connected in [2-9]\d{3} ms/);
    expect(result.durationMs).toBeLessThan(15_000);
    cleanup();
  }, 40_000);

  it('answers the final ACK into a full queue with RST when tcp_abort_on_overflow=1', async () => {
    const { result, read, capture, cleanup } = await runVariant(
      'abort-on-overflow-slow-uplink-client-capture',
    );
    expectOverflowCounters(read, 9443);
    const failing = result.expected.flow!.client;
    const packets = capture('capture.pcap');
    const [address, port] = [
      failing.slice(0, failing.lastIndexOf(':')),
      Number(failing.split(':')[1]),
    ];
    const toFailing = packets.filter((p) => p.dst === address && p.dport === port);
    expect(toFailing.some((p) => p.flags === 'S.')).toBe(true);
    expect(resets(toFailing).length).toBeGreaterThan(0);
    expect(read('sysctl-net.txt')).toMatch(/net\.ipv4\.tcp_abort_on_overflow = 1/);
    expect(read('client.log')).toMatch(/connection reset by peer/);
    expect(result.durationMs).toBeLessThan(15_000);
    cleanup();
  }, 40_000);

  it('drops the final ACK silently with abort_on_overflow=0 and sends SYN cookies', async () => {
    const { result, read, cleanup } = await runVariant(
      'final-ack-dropped-conntrack-events-no-capture',
    );
    expectOverflowCounters(read, 3000);
    expect(nstatCounter(read('nstat.txt'), 'TcpExtSyncookiesSent')).toBeGreaterThan(0);
    expect(read('dmesg.txt')).toMatch(/Possible SYN flooding on port .*:3000/);
    expect(read('conntrack-events.txt')).toMatch(/\[NEW\] tcp .* dport=3000/);
    // Connections that made it into the queue were answered once the handler returned; the
    // failing one is a handshake whose final ACK found the queue full.
    expect(read('client.log')).toMatch(
      /GET \/bytes\/1000: HTTP\/1.1 200 OK \(1000 bytes in [3-6]\d{3} ms\)/,
    );
    const failing = result.expected.flow!.client;
    expect(read('client.log')).toContain(
      `${failing} -> 10.78.45.20:3000 Get "http://10.78.45.20:3000/bytes/1000": net/http: timeout awaiting response headers`,
    );
    expect(result.durationMs).toBeLessThan(15_000);
    cleanup();
  }, 40_000);
});
