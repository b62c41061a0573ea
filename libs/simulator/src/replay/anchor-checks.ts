import { formatLocator, type ConntrackEntry, type SocketSnapshot } from '@netmortem/domain';
import type { ConntrackRecord } from '../conntrack/index.js';
import { tupleKey } from '../model/index.js';
import { anchorTuple } from './conntrack-anchors.js';
import { hostPort, tupleText } from './format.js';
import { plainAddress } from './local-addresses.js';
import type { StepList } from './replay-step.js';
import type { TimelineRecord } from './replay-timeline.js';

/** ss state names as the endpoint model spells them. */
const SS_STATES: Readonly<Record<string, string | undefined>> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  CLOSING: 'CLOSING',
};

/**
 * `conntrack -L` has no time; it is usually taken after the capture, so it is compared with
 * the replay's end state, and only for flows the replay tracked (a listing covers the whole
 * host, the captures rarely do).
 */
export function listingDisagreements(
  entries: readonly ConntrackEntry[],
  everTracked: ReadonlySet<string>,
  live: ReadonlyMap<string, ConntrackRecord>,
  endUs: number,
): TimelineRecord[] {
  const found: TimelineRecord[] = [];
  for (const entry of entries) {
    const original = anchorTuple(entry, 'original');
    const reply = anchorTuple(entry, 'reply');
    if (!original || !reply) continue;
    const key = tupleKey(original);
    if (!everTracked.has(key)) continue;
    const where = formatLocator(entry.locator);
    const current = live.get(key);
    if (!current) {
      found.push({
        kind: 'anchor-disagrees',
        timeUs: endUs,
        anchor: where,
        note: `${where} still lists ${tupleText(original)}${entry.tcpState ? ` in ${entry.tcpState}` : ''}; the replay's entry for it is gone`,
      });
      continue;
    }
    const differences: string[] = [];
    if (tupleKey(reply) !== tupleKey(current.reply))
      differences.push(
        `reply ${hostPort(reply.src, reply.srcPort)} (replay: ${hostPort(current.reply.src, current.reply.srcPort)})`,
      );
    if (entry.tcpState && current.tcpState && entry.tcpState !== current.tcpState)
      differences.push(
        `state ${entry.tcpState} (replay: ${current.tcpState}, at the end of the capture)`,
      );
    if (differences.length > 0) {
      found.push({
        kind: 'anchor-disagrees',
        timeUs: endUs,
        entry: current,
        anchor: where,
        note: `${where} shows ${tupleText(original)} with ${differences.join(' and ')}`,
      });
    }
  }
  return found;
}

/**
 * `ss` connections the replay's sockets hold in another state (or no longer hold) at the end
 * of the capture. Only connections whose packets a local socket sent or received.
 */
export function socketDisagreements(
  sockets: readonly SocketSnapshot[],
  steps: StepList,
  socketState: (
    local: { address: string; port: number },
    remote: { address: string; port: number },
  ) => string | undefined,
  endUs: number,
): TimelineRecord[] {
  const connections = sockets.filter(
    (s) => s.protocol === 'tcp' && s.peer !== null && s.state !== 'LISTEN',
  );
  if (connections.length === 0) return [];
  const seen = new Set<string>();
  for (const step of steps) {
    const d = step.delivery;
    if (!d) continue;
    const p = step.packet;
    const remote =
      d.socket === 'sender' ? `${p.dst}|${p.dstPort ?? 0}` : `${p.src}|${p.srcPort ?? 0}`;
    seen.add(`${d.local.ip}|${d.local.port}|${remote}`);
  }
  const found: TimelineRecord[] = [];
  for (const socket of connections) {
    const peer = socket.peer as NonNullable<typeof socket.peer>;
    const local = { address: plainAddress(socket.local.ip), port: socket.local.port };
    const remote = { address: plainAddress(peer.ip), port: peer.port };
    if (!seen.has(`${local.address}|${local.port}|${remote.address}|${remote.port}`)) continue;
    const expected = SS_STATES[socket.state];
    const modelled = socketState(local, remote) ?? 'CLOSED';
    if (expected === undefined || expected === modelled) continue;
    const where = formatLocator(socket.locator);
    found.push({
      kind: 'anchor-disagrees',
      timeUs: endUs,
      anchor: where,
      note: `${where} shows ${hostPort(local.address, local.port)} <-> ${hostPort(remote.address, remote.port)} in ${socket.state}; the replay's socket is ${modelled} at the end of the capture`,
    });
  }
  return found;
}
