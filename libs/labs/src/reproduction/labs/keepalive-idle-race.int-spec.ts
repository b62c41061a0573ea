import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { eventsFrom, parseConntrackEvents } from './conntrack-event-text.js';
import { readAnyCapture } from './cooked-capture-text.js';
import { keepaliveIdleRaceLab } from './keepalive-idle-race.lab.js';
import { runBundleUnderTest } from './lab-bundle-under-test.js';
import { senderOf } from './tcpdump-text.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

/** Request lines in an nginx combined-format access log. */
function loggedRequests(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /"(GET|POST|PUT|DELETE) ([^ "]+) HTTP\/1\.1"/.exec(line)?.[2])
    .filter((value): value is string => value !== undefined);
}

describe.skipIf(!canRun)('keepalive-idle-race lab on this kernel', () => {
  it('client reuses the connection after the idle FIN arrived: request, RST, socket hang up', async () => {
    const bundle = await runBundleUnderTest(keepaliveIdleRaceLab.id, 'direct-client-stall-capture');
    const { client, server } = bundle.result.expected.flow!;
    const packets = readAnyCapture(path.join(bundle.result.bundleDir, 'capture.pcap')).filter(
      (p) => senderOf(p) === client || senderOf(p) === server,
    );
    const fromServer = packets.filter((p) => senderOf(p) === server);
    const response = fromServer.find((p) => (p.payload ?? 0) > 0)!;
    const fin = fromServer.find((p) => p.flags?.includes('F'));
    expect(fin).toBeDefined();
    // The FIN is the server's idle timeout (1 s) after its response.
    expect(fin!.time - response.time).toBeGreaterThan(0.9);
    expect(fin!.time - response.time).toBeLessThan(1.3);
    const request = packets.find(
      (p) => senderOf(p) === client && (p.payload ?? 0) > 0 && p.time > fin!.time,
    );
    expect(request).toBeDefined();
    const reset = fromServer.find((p) => p.time >= request!.time && p.flags?.startsWith('R'));
    expect(reset?.flags).toBe('R');
    expect(bundle.read('client.log')).toMatch(/failed on reused connection .*socket hang up/);
    expect(loggedRequests(bundle.read('access.log'))).toEqual(['/api/cart']);
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);

  it('server stalled past its idle timeout closes with the request unread: RST, no FIN', async () => {
    const bundle = await runBundleUnderTest(
      keepaliveIdleRaceLab.id,
      'service-vip-server-stall-conntrack-events',
    );
    const { client } = bundle.result.expected.flow!;
    expect(bundle.files.some((f) => f.endsWith('.pcap'))).toBe(false);
    const events = eventsFrom(parseConntrackEvents(bundle.read('conntrack-events.txt')), client);
    expect(events.map((e) => `${e.type} ${e.state}`)).toEqual([
      'NEW SYN_SENT',
      'UPDATE SYN_RECV',
      'UPDATE ESTABLISHED',
      'UPDATE CLOSE',
    ]);
    // Quiet for longer than the server's 1.5 s idle timeout, then a RST ended it.
    expect(events[3]!.time! - events[2]!.time!).toBeGreaterThan(1.5);
    expect(bundle.read('client.log')).toMatch(/failed on reused connection .*read ECONNRESET/);
    expect(loggedRequests(bundle.read('access.log'))).toEqual(['/v1/prices']);
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);
});
