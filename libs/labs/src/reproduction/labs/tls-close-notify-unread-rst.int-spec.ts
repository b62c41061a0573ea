import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { hasProgram } from '../../shell/run-command.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { ackOf, readAnyCapture } from './cooked-capture-text.js';
import { eventsFrom, parseConntrackEvents } from './conntrack-event-text.js';
import { runBundleUnderTest } from './lab-bundle-under-test.js';
import { senderOf, type PrintedPacket } from './tcpdump-text.js';
import { tlsCloseNotifyUnreadRstLab } from './tls-close-notify-unread-rst.lab.js';

const missing = [...labPrerequisitesMissing(), ...(hasProgram('openssl') ? [] : ['openssl'])];
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')}, openssl (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

/**
 * The server's side of the close: it sent RST and never FIN, and the RST acknowledges bytes
 * the client sent after the server's last data: they reached the server's kernel and were
 * never read. Returns the RST and the last of those bytes.
 */
function resetWithUnreadBytes(packets: readonly PrintedPacket[], client: string, server: string) {
  const flow = packets.filter((p) => senderOf(p) === client || senderOf(p) === server);
  const fromServer = flow.filter((p) => senderOf(p) === server);
  expect(fromServer.some((p) => p.flags?.includes('F'))).toBe(false);
  const reset = fromServer.find((p) => p.flags?.startsWith('R'));
  expect(reset).toBeDefined();
  const lastServerData = fromServer.filter((p) => (p.payload ?? 0) > 0).at(-1)!;
  const unread = flow.filter(
    (p) =>
      senderOf(p) === client &&
      (p.payload ?? 0) > 0 &&
      p.time > lastServerData.time &&
      p.time < reset!.time,
  );
  expect(unread.length).toBeGreaterThan(0);
  const last = unread.at(-1)!;
  expect(ackOf(reset!)).toBeGreaterThanOrEqual(last.seq! + last.payload!);
  return { reset: reset!, lastUnread: last };
}

describe.skipIf(!canRun)('tls-close-notify-unread-rst lab on this kernel', () => {
  it('TLS server closes with the client close_notify unread: RST, and the port-forward gives up', async () => {
    const bundle = await runBundleUnderTest(
      tlsCloseNotifyUnreadRstLab.id,
      'port-forward-tls-lo-capture',
    );
    const { client, server } = bundle.result.expected.flow!;
    const packets = readAnyCapture(path.join(bundle.result.bundleDir, 'capture.pcap'));
    const { reset, lastUnread } = resetWithUnreadBytes(packets, client, server);
    // The unread bytes are one TLS record: a 24-byte close_notify alert under TLS 1.3.
    expect(lastUnread.payload).toBe(24);
    expect(reset.time - lastUnread.time).toBeLessThan(0.5);
    const forward = bundle.read('port-forward.log');
    expect(forward).toContain(`read tcp4 ${client}->${server}: read: connection reset by peer`);
    expect(forward).toMatch(/portforward\.go:\d+\] lost connection to pod/);
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);

  it('plain TCP server stops reading and closes with the QUIT unread: RST behind a DNAT', async () => {
    const bundle = await runBundleUnderTest(
      tlsCloseNotifyUnreadRstLab.id,
      'plain-tcp-unread-quit-node-dnat',
    );
    const { client, server } = bundle.result.expected.flow!;
    const packets = readAnyCapture(path.join(bundle.result.bundleDir, 'capture.pcap'));
    const { lastUnread } = resetWithUnreadBytes(packets, client, server);
    expect(lastUnread.payload).toBe('QUIT\n'.length);
    expect(bundle.read('client.log')).toContain(
      `read tcp ${client}->${server}: read: connection reset by peer`,
    );
    const events = eventsFrom(parseConntrackEvents(bundle.read('conntrack-events.txt')), client);
    expect(events.map((e) => `${e.type} ${e.state}`)).toEqual([
      'NEW SYN_SENT',
      'UPDATE SYN_RECV',
      'UPDATE ESTABLISHED',
      'UPDATE CLOSE',
    ]);
    expect(bundle.result.durationMs).toBeLessThan(12_000);
    bundle.cleanup();
  }, 40_000);
});
