import { readFileSync } from 'node:fs';
import { TcpFlag, type Packet } from '@netmortem/domain';
import { bytesSource, capturePackets, IssueCollector } from '@netmortem/evidence';
import { describe, expect, it } from 'vitest';
import { EndpointHost } from './endpoint-host.js';
import { defaultEndpointSettings, endpointSettingsFromSysctls } from './endpoint-settings.js';
import type { SegmentResponse } from './segment-response.js';
import { segmentFromPacket } from './tcp-segment.js';

const FIXTURE = 'linux-endpoint-answers.pcap';
const PEER = '10.77.0.1';
const HOST = '10.77.0.2';
const COMPARED_FLAGS = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST | TcpFlag.ACK;
/** Peer port whose connection the recorded application half-closed (README.md). */
const HALF_CLOSED_PEER_PORT = 42004;

async function readFixture(name = FIXTURE): Promise<Packet[]> {
  const bytes = new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));
  const packets: Packet[] = [];
  const generator = capturePackets(bytesSource(bytes), name, new IssueCollector(name));
  for (;;) {
    const next = await generator.next();
    if (next.done === true) return packets;
    packets.push(next.value);
  }
}

interface Comparison {
  packet: number;
  predicted: SegmentResponse;
  observed?: Packet;
}

/**
 * Replays the capture: the peer's segments go through deliver() and the host's next packet
 * (if it follows at once) is the kernel's answer. The host's own FINs and unprovoked
 * RSTs are its application closing: close() predicts them (unread bytes = what the model
 * saw arrive). Every host packet also teaches the model its own sequence numbers.
 */
function replay(
  packets: readonly Packet[],
  fixture = FIXTURE,
  sysctls: Record<string, string> = {},
): Comparison[] {
  const kernelFile = fixture.replace(/\.pcap$/, '.kernel.txt');
  const kernel = readFileSync(new URL(`./__fixtures__/${kernelFile}`, import.meta.url), 'utf8');
  const settings = endpointSettingsFromSysctls(sysctls, defaultEndpointSettings(kernel.trim()));
  const host = new EndpointHost({ addresses: new Set([HOST]), settings });
  host.addListener(HOST, 9000);
  const comparisons: Comparison[] = [];
  let waiting: Comparison | undefined;
  packets.forEach((packet, index) => {
    const segment = segmentFromPacket(packet);
    if (!segment) return;
    if (packet.src === PEER) {
      if (waiting) comparisons.push(waiting);
      waiting = { packet: index + 1, predicted: host.deliver(segment, packet.timeUs).response };
      return;
    }
    const local = { address: segment.src, port: segment.srcPort };
    const remote = { address: segment.dst, port: segment.dstPort };
    const flags = segment.tcpFlags;
    // The application's own FIN: close(), or shutdown() on the half-closed connection.
    if ((flags & TcpFlag.FIN) !== 0) {
      const predicted =
        remote.port === HALF_CLOSED_PEER_PORT
          ? host.shutdownWrite(local, remote, packet.timeUs)
          : host.close(local, remote, { unreadBytes: 0 }, packet.timeUs);
      comparisons.push({ packet: index + 1, predicted, observed: packet });
    } else if (waiting) {
      comparisons.push({ ...waiting, observed: packet });
      waiting = undefined;
    } else if ((flags & TcpFlag.RST) !== 0) {
      const unread = host.lookup(local, remote)?.receivedBytes ?? 0;
      const predicted = host.close(local, remote, { unreadBytes: unread }, packet.timeUs);
      comparisons.push({ packet: index + 1, predicted, observed: packet });
    }
    host.observeOutgoing(segment, packet.timeUs);
  });
  if (waiting) comparisons.push(waiting);
  return comparisons.sort((a, b) => a.packet - b.packet);
}

/** Every predicted answer must be what the kernel sent; every predicted silence, silence. */
function expectKernelAgreement(comparisons: readonly Comparison[]): void {
  for (const { packet, predicted, observed } of comparisons) {
    const where = `packet ${packet}: ${predicted.reason}`;
    if (predicted.kind === 'NONE') {
      expect(observed, where).toBeUndefined();
      continue;
    }
    if (!observed) {
      expect(predicted.delayed, `${where} (kernel sent nothing)`).toBe(true);
      continue;
    }
    const tcp = observed.tcp!;
    expect(tcp.flags & COMPARED_FLAGS, where).toBe(predicted.flags);
    if (!predicted.unknown?.includes('seq')) expect(tcp.seq, where).toBe(predicted.seq);
    if (!predicted.unknown?.includes('ack') && (predicted.flags & TcpFlag.ACK) !== 0) {
      expect(tcp.ack, where).toBe(predicted.ack);
    }
  }
}

describe('endpoint model against the real kernel (recorded capture)', () => {
  it('predicts every answer the kernel gave, and every silence', async () => {
    const packets = await readFixture();
    const comparisons = replay(packets);
    expect(comparisons).toHaveLength(39);
    expectKernelAgreement(comparisons);
  });

  it('applies tcp_challenge_ack_limit per network namespace like the kernel (limit 1/s)', async () => {
    const fixture = 'linux-challenge-ack-limit.pcap';
    const comparisons = replay(await readFixture(fixture), fixture, {
      'net.ipv4.tcp_challenge_ack_limit': '1',
    });
    expectKernelAgreement(comparisons);
    expect(comparisons.slice(6).map((c) => c.predicted.kind)).toEqual([
      'CHALLENGE_ACK',
      'NONE',
      'NONE',
      'CHALLENGE_ACK',
    ]);
    expect(comparisons[7]?.predicted.rateLimited).toBe('challenge-ack-limit');
  });

  it('names the answers the incident catalogue relies on', async () => {
    const kinds = replay(await readFixture()).map((c) => c.predicted.kind);
    expect(kinds).toEqual([
      'RST_ACK', // SYN to a closed port
      'RST', // stray ACK to a listener
      'SYN_ACK',
      'NONE', // handshake ACK
      'ACK', // in-order data
      'CHALLENGE_ACK', // SYN on ESTABLISHED
      'CHALLENGE_ACK', // RST in window, not exact
      'ACK', // out-of-window data
      'CHALLENGE_ACK',
      'NONE', // rate-limited challenge ACK
      'NONE', // exact RST
      'RST', // the listener again
      // connection 1: the host closes first
      'SYN_ACK',
      'NONE', // handshake ACK
      'FIN_ACK', // the application's close()
      'NONE', // ACK of that FIN: orphaned FIN-WAIT-2
      'ACK', // peer FIN: TIME-WAIT
      'ACK', // retransmitted FIN: TW ACK
      'ACK', // old SYN: TW ACK
      'SYN_ACK', // newer SYN reopens, ISN = SND.NXT + 65537
      'NONE', // RST drops the new request
      // connection 2: close() with 50 unread bytes
      'SYN_ACK',
      'NONE',
      'ACK', // the 50 bytes
      'RST_ACK', // close() with unread data
      // connection 3: orphaned FIN-WAIT-2
      'SYN_ACK',
      'NONE',
      'FIN_ACK',
      'NONE',
      'ACK', // SYN far outside the window
      'RST', // data after close()
      'RST', // socket gone: the listener
      // connection 4: half-closed, the application keeps the socket (seed 000)
      'SYN_ACK',
      'NONE',
      'FIN_ACK', // shutdown(SHUT_WR)
      'NONE', // ACK of that FIN: FIN-WAIT-2, full socket, no timer
      'CHALLENGE_ACK', // a new SYN on the same four-tuple
      'NONE', // the client's RST at the challenge ACK's number resets it
      'SYN_ACK', // the retransmitted SYN now reaches the listener
    ]);
  });
});
