import type { Flow, Packet, SocketSnapshot } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { packetPointer, pointerAt, timeText } from '../context/pointers.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector } from './detector.js';
import { eachTcpFlow, flowPackets, flowRef, fromClient, hasFlag } from './flow-signals.js';
import { resetLogs } from './shared-evidence.js';

const ID = 'tls-close-notify-unread-rst';

/**
 * A socket closed while bytes it had received sat unread: Linux sends RST (with ACK, its
 * acknowledgement covering those bytes) instead of FIN, and the peer's pending data and the
 * orderly close are lost. Typical: a TLS close_notify the server never reads before close().
 */
export const tlsCloseNotifyUnreadRstDetector: Detector = {
  rootCause: ID,
  detect(context) {
    return eachTcpFlow(context, fromCapture);
  },
};

function fromCapture(context: MatchContext, flow: Flow): Candidate | undefined {
  const packets = flowPackets(context, flow);
  const rstAt = packets.findIndex((p) => hasFlag(p, TcpFlag.RST) && hasFlag(p, TcpFlag.ACK));
  if (rstAt < 0) return undefined;
  const rst = packets[rstAt]!;
  const closerIsClient = fromClient(flow, rst);
  const sameSide = (p: Packet) => fromClient(flow, p) === closerIsClient;
  const before = packets.slice(0, rstAt);
  // An orderly close first (FIN from the closer) is the idle-close race, not this.
  if (before.some((p) => sameSide(p) && hasFlag(p, TcpFlag.FIN))) return undefined;
  const peerData = before.filter((p) => !sameSide(p) && p.payloadLength > 0 && p.tcp);
  const last = peerData[peerData.length - 1];
  if (!last?.tcp || !rst.tcp) return undefined;
  const lastEnd = (last.tcp.seq + last.payloadLength) >>> 0;
  // The RST acknowledges the peer's last bytes: the kernel had them, the application never read them.
  // (or those bytes and the peer's FIN after them)
  const peerFin = before.some(
    (p) => !sameSide(p) && hasFlag(p, TcpFlag.FIN) && p.timeUs >= last.timeUs,
  );
  if (rst.tcp.ack !== lastEnd && !(peerFin && rst.tcp.ack === (lastEnd + 1) >>> 0))
    return undefined;
  // The closer never answered them with data of its own.
  if (before.some((p) => sameSide(p) && p.payloadLength > 0 && p.timeUs > last.timeUs))
    return undefined;
  // A handshake is needed to know the connection was a healthy one first.
  if (!flow.handshake.complete) return undefined;

  const w = new Weighing();
  const rstIndex = rst.locator.packet ?? 0;
  const lastIndex = last.locator.packet ?? 0;
  const closer = closerIsClient ? 'client' : 'server';
  w.for(
    'strong',
    packetPointer(
      flow.capture,
      rstIndex,
      `the ${closer} ends the connection with RST+ACK, no FIN, acknowledging bytes its application never answered`,
    ),
  );
  w.for(
    'moderate',
    packetPointer(
      flow.capture,
      lastIndex,
      `${last.payloadLength} bytes the ${closer}'s application left unread${looksLikeTlsAlert(last) ? ' (the size of a TLS alert record, e.g. close_notify)' : ''}`,
    ),
  );
  if (looksLikeTlsAlert(last))
    w.for(
      'weak',
      packetPointer(flow.capture, lastIndex, 'TLS alert-sized record just before the reset'),
    );
  const unread = unreadSockets(context);
  if (unread[0])
    w.for(
      'moderate',
      pointerAt(
        unread[0].locator,
        `${unread[0].state} socket with ${unread[0].recvQ} unread bytes in Recv-Q`,
      ),
    );
  const lost = context.logs(['LOST_CONNECTION'])[0];
  if (lost) w.for('moderate', pointerAt(lost.locator, lost.message.slice(0, 160)));
  for (const log of resetLogs(context, flow, {
    what: `the RST at packet ${rstIndex}`,
    timeUs: rst.timeUs,
  }).slice(0, 2))
    w.for('weak', log);
  return {
    rootCause: ID,
    flow: flowRef(flow),
    weighing: w,
    summary: `The ${closer} of ${flowRef(flow).client} → ${flowRef(flow).server} closed its socket with ${last.payloadLength} received bytes still unread, so its kernel sent a RST (packet ${rstIndex}) instead of a FIN and the peer saw "connection reset by peer".`,
    narrative: [
      {
        time: timeText(last.timeUs),
        text: `the peer sends ${last.payloadLength} bytes (for TLS: often a close_notify alert) that the ${closer}'s application will never read`,
        evidence: packetPointer(flow.capture, lastIndex, 'data'),
      },
      {
        time: timeText(rst.timeUs),
        text: `the ${closer}'s application closes the socket; with unread data in the receive buffer Linux aborts the connection with RST instead of FIN`,
        evidence: packetPointer(flow.capture, rstIndex, 'RST+ACK'),
      },
    ],
    nextEvidence: [
      'ss -tanoie on the closing side just before the close: Recv-Q above 0 on the socket',
      'strace -f -tt of the closing process: close() without a read() of the pending bytes',
    ],
  };
}

/** TLS records: 5-byte header plus a short encrypted alert (≈ 24–31 bytes with an AEAD). */
function looksLikeTlsAlert(p: Packet): boolean {
  return p.payloadLength >= 7 && p.payloadLength <= 40;
}

function unreadSockets(context: MatchContext): SocketSnapshot[] {
  return context.evidence.sockets.filter(
    (s) => s.recvQ > 0 && (s.state === 'CLOSE-WAIT' || s.state === 'ESTAB') && s.peer,
  );
}
