import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { eventsFrom, parseConntrackEvents } from './conntrack-event-text.js';
import { readAnyCapture } from './cooked-capture-text.js';
import { runBundleUnderTest } from './lab-bundle-under-test.js';
import { sidecarHalfcloseLeakLab } from './sidecar-halfclose-leak.lab.js';
import { findSocket, parseSocketTable } from './socket-table-text.js';
import { endpointOf, senderOf } from './tcpdump-text.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

/** DURATION (ms) of each Envoy default-format access log line. */
function accessLogDurations(text: string): number[] {
  return text
    .split('\n')
    .map((line) => /^\[[^\]]+\] "- - -" 0 \S+ \d+ \d+ (\d+) /.exec(line)?.[1])
    .filter((value): value is string => value !== undefined)
    .map(Number);
}

describe.skipIf(!canRun)('sidecar-halfclose-leak lab on this kernel', () => {
  it('outbound: the late FIN misses the expired REDIRECT and the sidecar stays in FIN-WAIT-2', async () => {
    const bundle = await runBundleUnderTest(
      sidecarHalfcloseLeakLab.id,
      'outbound-redirect-full-artifacts',
    );
    const client = bundle.result.expected.flow!.client;
    const upstream = bundle.result.expected.flow!.server;

    // The proxy's end of the app's connection, half-closed and waiting for a FIN.
    const leaked = findSocket(parseSocketTable(bundle.read('ss-tanoie.txt')), {
      state: 'FIN-WAIT-2',
      local: '127.0.0.1:15001',
      peer: client,
    });
    expect(leaked).toBeDefined();

    // conntrack: the entry reached CLOSE_WAIT and expired there, close_wait (2 s) later.
    const events = eventsFrom(parseConntrackEvents(bundle.read('conntrack-events.txt')), client);
    const closeWait = events.find((e) => e.type === 'UPDATE' && e.state === 'CLOSE_WAIT');
    const destroyed = events.find((e) => e.type === 'DESTROY');
    expect(closeWait?.time).toBeDefined();
    expect(destroyed?.state).toBe('CLOSE_WAIT');
    expect(destroyed!.time! - closeWait!.time!).toBeGreaterThanOrEqual(1.9);

    // The app's FIN went to the upstream's real address, not to 15001, after the expiry, and
    // the upstream (which knows no such connection) answered RST.
    const packets = readAnyCapture(path.join(bundle.result.bundleDir, 'capture.pcap'));
    const fromApp = packets.filter((p) => senderOf(p) === client);
    const lateFin = fromApp.find((p) => p.flags?.includes('F'));
    expect(lateFin).toBeDefined();
    expect(endpointOf(lateFin!.dst, lateFin!.dport)).toBe(upstream);
    expect(lateFin!.time).toBeGreaterThanOrEqual(closeWait!.time! + 1.9);
    expect(fromApp.some((p) => p.flags?.includes('F') && p.dport === 15001)).toBe(false);
    const reset = packets.find(
      (p) =>
        p.time >= lateFin!.time &&
        p.flags?.startsWith('R') &&
        endpointOf(p.dst, p.dport) === client,
    );
    expect(reset && endpointOf(reset.src, reset.sport)).toBe(upstream);

    // Only the idle timeout (5 s) ended the proxy's session.
    const [duration] = accessLogDurations(bundle.read('istio-proxy-access.log'));
    expect(duration).toBeGreaterThanOrEqual(5000);
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);

  it('inbound: the caller closes past close_wait, its FIN reaches the app port, the sidecar leaks', async () => {
    const bundle = await runBundleUnderTest(
      sidecarHalfcloseLeakLab.id,
      'inbound-redirect-events-no-capture',
    );
    const client = bundle.result.expected.flow!.client;
    const listener = bundle.result.expected.flow!.serverAlternatives![0]!;
    expect(bundle.files.some((f) => f.endsWith('.pcap'))).toBe(false);

    const leaked = findSocket(parseSocketTable(bundle.read('ss-tanoie.txt')), {
      state: 'FIN-WAIT-2',
      local: listener,
      peer: client,
    });
    expect(leaked).toBeDefined();

    const events = eventsFrom(parseConntrackEvents(bundle.read('conntrack-events.txt')), client);
    expect(events.every((e) => e.time === undefined)).toBe(true);
    const states = events.map((e) => `${e.type} ${e.state}`);
    expect(states).toContain('UPDATE CLOSE_WAIT');
    // The entry died in CLOSE_WAIT and nothing re-created it: the late FIN was INVALID.
    expect(states.at(-1)).toBe('DESTROY CLOSE_WAIT');

    expect(bundle.read('client.log')).toMatch(/EOF from .*; closing in 1800 ms/);
    const [duration] = accessLogDurations(bundle.read('envoy-access.log'));
    expect(duration).toBeGreaterThanOrEqual(4000);
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);
});
