import type { SocketSnapshot, SocketState } from '@netmortem/domain';
import { canonicalAddress, connectionKey, type SocketEndpoint } from './endpoint-address.js';
import type { EndpointSettings } from './endpoint-settings.js';
import {
  ASSUMED_RECEIVE_WINDOW,
  type FullSocket,
  type TcpSocketState,
  type TimeWaitSocket,
} from './tcp-socket.js';

export interface SeededListener {
  readonly kind: 'listener';
  readonly address: string;
  readonly port: number;
  readonly v6only: boolean;
  readonly backlogFull: boolean;
}

export type SnapshotSeed =
  | SeededListener
  | { readonly kind: 'socket'; readonly socket: FullSocket | TimeWaitSocket }
  | { readonly kind: 'skipped'; readonly why: string };

const STATES: Partial<Record<SocketState, TcpSocketState>> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  CLOSING: 'CLOSING',
};

/**
 * What one `ss`/`netstat` row tells the endpoint model. Sequence numbers never appear in
 * those listings, so seeded connections start without them and learn from the first
 * packets. Readings that are guesses:
 * - a wildcard listener printed as `*`/`0.0.0.0` is taken as dual-stack (`ss` prints a
 *   dual-stack `::` socket as `*`, and the parser folds both to 0.0.0.0);
 * - a LISTEN row with Recv-Q > Send-Q has a full accept queue;
 * - FIN-WAIT-2 with a `timewait` timer is an orphan (closed by its application) in the
 *   kernel's small timewait form; without it, the application still holds the socket;
 * - a `keepalive` timer turns keepalive on with the host's settings, next probe when the
 *   timer says.
 */
export function seedFromSnapshot(
  snapshot: SocketSnapshot,
  nowUs: number,
  settings: EndpointSettings,
): SnapshotSeed {
  if (snapshot.protocol !== 'tcp') return { kind: 'skipped', why: `${snapshot.protocol} socket` };
  if (snapshot.state === 'LISTEN') {
    const ip = canonicalAddress(snapshot.local.ip);
    const wildcardV4 = ip === '0.0.0.0';
    return {
      kind: 'listener',
      address: wildcardV4 ? '::' : ip,
      port: snapshot.local.port,
      v6only: false,
      backlogFull: snapshot.recvQ > snapshot.sendQ,
    };
  }
  const state = STATES[snapshot.state];
  if (!state)
    return { kind: 'skipped', why: `state ${snapshot.state} is not modelled from a listing` };
  if (!snapshot.peer) return { kind: 'skipped', why: 'connection row without a peer' };
  const local: SocketEndpoint = {
    address: canonicalAddress(snapshot.local.ip),
    port: snapshot.local.port,
  };
  const remote: SocketEndpoint = {
    address: canonicalAddress(snapshot.peer.ip),
    port: snapshot.peer.port,
  };
  const key = connectionKey(local, remote);
  const timer = snapshot.timer;
  const timerUs = timer?.expiresMs !== undefined ? nowUs + timer.expiresMs * 1000 : undefined;
  const [sndWscale, rcvWscale] = parseWscale(snapshot.details?.['wscale']);
  const rcvWindow = rcvWscale !== undefined ? 65535 * 2 ** rcvWscale : ASSUMED_RECEIVE_WINDOW;

  if (state === 'TIME_WAIT' || (state === 'FIN_WAIT2' && timer?.name === 'timewait')) {
    const fallback = state === 'TIME_WAIT' ? settings.timeWaitSec : settings.finTimeoutSec;
    const socket: TimeWaitSocket = {
      kind: 'time-wait',
      key,
      local,
      remote,
      substate: state,
      rcvWindow,
      expiresUs: timerUs ?? nowUs + fallback * 1_000_000,
    };
    return { kind: 'socket', socket };
  }

  const socket: FullSocket = {
    kind: 'full',
    key,
    local,
    remote,
    state,
    orphan: false,
    finQueued:
      state === 'FIN_WAIT1' || state === 'FIN_WAIT2' || state === 'LAST_ACK' || state === 'CLOSING',
    rcvWindow,
    rcvWindowAssumed: true,
    receivedBytes: snapshot.recvQ,
    createdUs: nowUs,
    lastReceivedUs: nowUs,
    keepaliveProbesOut: timer?.name === 'keepalive' ? (timer.retransmits ?? 0) : 0,
    ...(sndWscale !== undefined ? { sndWscale } : {}),
    ...(rcvWscale !== undefined ? { rcvWscale } : {}),
  };
  if (timer?.name === 'keepalive') {
    socket.keepalive = settings.keepalive;
    if (timerUs !== undefined) {
      // The timer shows the next firing: place the last receipt so the schedule agrees.
      const probes = socket.keepaliveProbesOut;
      const untilNext =
        probes === 0
          ? settings.keepalive.timeSec
          : settings.keepalive.timeSec + probes * settings.keepalive.intervalSec;
      socket.lastReceivedUs = timerUs - untilNext * 1_000_000;
    }
  }
  return { kind: 'socket', socket };
}

function parseWscale(text: string | undefined): [number | undefined, number | undefined] {
  const match = text === undefined ? null : /^(\d+),(\d+)$/.exec(text);
  if (!match) return [undefined, undefined];
  return [Number(match[1]), Number(match[2])];
}
