import { release } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { nstatCounter } from './bundle-text.js';
import { eventsFrom, parseConntrackEvents } from './conntrack-event-text.js';
import { ackOf, readAnyCapture } from './cooked-capture-text.js';
import { ephemeralPortCollisionChallengeAckLab } from './ephemeral-port-collision-challenge-ack.lab.js';
import { runBundleUnderTest, type BundleUnderTest } from './lab-bundle-under-test.js';
import { findSocket, parseSocketTable } from './socket-table-text.js';
import { endpointOf, senderOf, type PrintedPacket } from './tcpdump-text.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

/** Since 6.2 conntrack lets the RST that answers a challenge ACK through (see the lab). */
const [major = 0, minor = 0] = release().split('.').map(Number);
const challengeAckFix = major > 6 || (major === 6 && minor >= 2);

const LISTENER = '127.0.0.1:15001';

/**
 * The exchange on the collided 4-tuple: the SYN to the sidecar listener, the stale socket's
 * bare ACK (un-NATed, so it comes from the dialled address), the app's RST carrying that ACK's
 * number, and then either the SYN again answered by SYN-ACK (healed) or SYNs only.
 */
function collisionExchange(packets: readonly PrintedPacket[], client: string, dialled: string) {
  const flow = packets.filter(
    (p) => senderOf(p) === client || endpointOf(p.dst, p.dport) === client,
  );
  const firstSyn = flow.findIndex(
    (p) => p.flags === 'S' && endpointOf(p.dst, p.dport) === LISTENER,
  );
  expect(firstSyn).toBeGreaterThanOrEqual(0);
  const afterSyn = flow.slice(firstSyn + 1);
  const challenge = afterSyn.find((p) => endpointOf(p.dst, p.dport) === client);
  expect(challenge?.flags).toBe('.');
  expect(endpointOf(challenge!.src, challenge!.sport)).toBe(dialled);
  const reset = afterSyn.find((p) => senderOf(p) === client && p.flags === 'R');
  expect(reset?.seq).toBe(ackOf(challenge!));
  const retriedSyn = afterSyn.find((p) => senderOf(p) === client && p.flags === 'S');
  const synAck = afterSyn.find((p) => endpointOf(p.dst, p.dport) === client && p.flags === 'S.');
  return { syn: flow[firstSyn]!, challenge: challenge!, reset: reset!, retriedSyn, synAck };
}

function leakBefore(bundle: BundleUnderTest, client: string): void {
  const before = parseSocketTable(bundle.read('before-ss-tanoie.txt'));
  expect(findSocket(before, { state: 'FIN-WAIT-2', local: LISTENER, peer: client })).toBeDefined();
}

describe.skipIf(!canRun)('ephemeral-port-collision-challenge-ack lab on this kernel', () => {
  it('kernel-chosen port: challenge ACK, RST, and what conntrack does with the RST', async () => {
    const bundle = await runBundleUnderTest(
      ephemeralPortCollisionChallengeAckLab.id,
      'port-range-reuse-conntrack-events',
    );
    const { client, server } = bundle.result.expected.flow!;
    leakBefore(bundle, client);
    const packets = readAnyCapture(path.join(bundle.result.bundleDir, 'capture.pcap'));
    const exchange = collisionExchange(packets, client, server);
    const events = eventsFrom(parseConntrackEvents(bundle.read('conntrack-events.txt')), client);
    if (challengeAckFix) {
      // The RST was let through (entry to CLOSE, not INVALID), the stale socket died, and the
      // SYN retried at once found the listener: healed within milliseconds.
      expect(events.map((e) => `${e.type} ${e.state}`).slice(0, 3)).toEqual([
        'NEW SYN_SENT',
        'UPDATE ',
        'UPDATE CLOSE',
      ]);
      expect(events.some((e) => e.type === 'UPDATE' && e.state === 'ESTABLISHED')).toBe(true);
      expect(exchange.retriedSyn!.seq).toBe(exchange.syn.seq);
      expect(exchange.retriedSyn!.time - exchange.reset.time).toBeLessThan(0.2);
      expect(exchange.synAck).toBeDefined();
      expect(bundle.read('app.log')).toMatch(/conn 1: connected .* in \d{1,3} ms/);
      const after = parseSocketTable(bundle.read('ss-tanoie.txt'));
      expect(
        findSocket(after, { state: 'FIN-WAIT-2', local: LISTENER, peer: client }),
      ).toBeUndefined();
    } else {
      expect(exchange.synAck).toBeUndefined();
      expect(bundle.read('app.log')).toMatch(/conn 1: dial tcp .*: i\/o timeout/);
    }
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);

  it('bound port to a second Service with an INVALID drop rule', async () => {
    const bundle = await runBundleUnderTest(
      ephemeralPortCollisionChallengeAckLab.id,
      'bound-port-second-service-invalid-drop',
    );
    const { client, server } = bundle.result.expected.flow!;
    leakBefore(bundle, client);
    // The drop rule did drop something: the app's late FIN (and its retransmits) of the first
    // connection, whose socket still waits in LAST-ACK.
    const rule = bundle
      .read('iptables-save.txt')
      .split('\n')
      .find((l) => l.includes('INVALID -j DROP'));
    expect(Number(/^\[(\d+):/.exec(rule ?? '')?.[1] ?? 0)).toBeGreaterThan(0);
    const before = parseSocketTable(bundle.read('before-ss-tanoie.txt'));
    expect(
      before.some((s) => s.state === 'LAST-ACK' && s.local === client && s.peer !== server),
    ).toBe(true);
    expect(nstatCounter(bundle.read('nstat.txt'), 'TcpExtTCPSYNChallenge')).toBeGreaterThan(0);

    const packets = readAnyCapture(path.join(bundle.result.bundleDir, 'capture.pcap'));
    const exchange = collisionExchange(packets, client, server);
    if (challengeAckFix) {
      expect(exchange.synAck).toBeDefined();
      expect(exchange.synAck!.time - exchange.syn.time).toBeLessThan(0.2);
    } else {
      expect(exchange.synAck).toBeUndefined();
    }
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);
});
