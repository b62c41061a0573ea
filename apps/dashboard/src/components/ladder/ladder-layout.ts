import { scaleLinear } from 'd3-scale';
import { isAlarmingResponse, isRemarkable, type FlowPacket } from './flow-packet';

/** Client, the host in the middle (NAT or proxy), and the server. */
export type Lane = 0 | 1 | 2;

export type Marker = 'invalid' | 'nat-skipped' | 'nat' | 'rst' | 'dropped';

export interface LadderArrow {
  /** Position in the flow's packet list. */
  readonly position: number;
  readonly packet: FlowPacket;
  readonly y: number;
  readonly fromLane: Lane;
  readonly toLane: Lane;
  readonly label: string;
  readonly markers: readonly Marker[];
  /** The host's own answer (RST, challenge ACK), drawn back towards the sender. */
  readonly response: { readonly toLane: Lane; readonly label: string } | null;
  /** Seconds since the time of the row before, when the gap is worth showing. */
  readonly gapBefore: number | null;
}

export interface PacketWindow {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export const ROW_MIN = 26;
export const ROW_MAX = 3 * ROW_MIN;
const ROW_TARGET = 34;
const GAP_WORTH_SHOWING_S = 1;

/**
 * Addresses that are the client: the dialling address and what source NAT made of it, so
 * translated packets still run in the right direction.
 */
export function clientSide(packets: readonly FlowPacket[], client: string): Set<string> {
  const side = new Set([client]);
  for (const packet of packets) {
    if (packet.from && side.has(packet.from) && packet.natTranslated) {
      side.add(packet.natTranslated.split(' > ')[0]!);
    }
  }
  return side;
}

function markersOf(packet: FlowPacket): Marker[] {
  const markers: Marker[] = [];
  if (packet.invalidReason) markers.push('invalid');
  if (packet.natSkippedBecause) markers.push('nat-skipped');
  else if (packet.natApplied) markers.push('nat');
  if (packet.flags?.includes('RST')) markers.push('rst');
  if (/^(drop|reject)/i.test(packet.filterVerdict)) markers.push('dropped');
  return markers;
}

function lanes(packet: FlowPacket, client: ReadonlySet<string>): { from: Lane; to: Lane } {
  const towardsServer = packet.from ? client.has(packet.from) : !client.has(packet.to ?? '');
  const sentByHost = packet.path === 'out';
  const dropped = /^(drop|reject)/i.test(packet.filterVerdict);
  // A packet a local socket sent leaves the host; one it received ends there.
  const stopsAtHost = dropped || (!sentByHost && Boolean(packet.deliveredTo));
  if (towardsServer) return { from: sentByHost ? 1 : 0, to: stopsAtHost ? 1 : 2 };
  return { from: sentByHost ? 1 : 2, to: stopsAtHost ? 1 : 0 };
}

/**
 * Rows of the ladder for the packets in `window`: y follows time (a linear scale over the
 * window), but rows are never closer than `ROW_MIN`, so bursts stay readable, nor further
 * apart than `ROW_MAX`: long pauses show as labelled gaps instead of empty screens.
 */
export function layoutLadder(
  packets: readonly FlowPacket[],
  window: PacketWindow,
  client: ReadonlySet<string>,
): { arrows: LadderArrow[]; height: number } {
  const shown = packets.slice(window.start, window.end);
  if (shown.length === 0) return { arrows: [], height: 0 };
  const first = shown[0]!.timeUs;
  const last = shown[shown.length - 1]!.timeUs;
  const y = scaleLinear()
    .domain([first, Math.max(last, first + 1)])
    .range([ROW_MIN, ROW_MIN + shown.length * ROW_TARGET]);
  const arrows: LadderArrow[] = [];
  let previousY = 0;
  let previousTime = first;
  shown.forEach((packet, offset) => {
    const step = offset === 0 ? ROW_MIN : y(packet.timeUs) - y(previousTime);
    const at = previousY + Math.min(ROW_MAX, Math.max(ROW_MIN, step));
    const { from, to } = lanes(packet, client);
    const gap = (packet.timeUs - previousTime) / 1e6;
    arrows.push({
      position: window.start + offset,
      packet,
      y: at,
      fromLane: from,
      toLane: to,
      label: `#${packet.index} ${packet.flags ?? packet.summary.split(' from ')[0]}`,
      markers: markersOf(packet),
      response: isAlarmingResponse(packet.responseKind)
        ? { toLane: from, label: responseLabel(packet.responseFlags, packet.responseKind!) }
        : null,
      gapBefore: offset > 0 && gap >= GAP_WORTH_SHOWING_S ? gap : null,
    });
    previousY = at;
    previousTime = packet.timeUs;
  });
  return { arrows, height: previousY + ROW_MIN };
}

/** `ACK CHALLENGE_ACK`, but just `RST` when the kind says it all. */
function responseLabel(flags: string | null | undefined, kind: string): string {
  return !flags || kind.startsWith(flags) ? kind : `${flags} ${kind}`;
}

/** What makes a packet the failure, most telling first. */
const FAILURE_SIGNS: readonly ((packet: FlowPacket) => boolean)[] = [
  (packet) => Boolean(packet.invalidReason),
  (packet) => Boolean(packet.natSkippedBecause),
  (packet) => Boolean(packet.flags?.includes('RST')),
  isRemarkable,
];

/** The packet where the flow went wrong (INVALID first, then NAT skipped, then RST), else the last. */
export function focusPosition(packets: readonly FlowPacket[]): number {
  for (const sign of FAILURE_SIGNS) {
    const found = packets.findIndex(sign);
    if (found !== -1) return found;
  }
  return Math.max(0, packets.length - 1);
}

/** `size` packets around `center`, inside the list. */
export function windowAround(center: number, size: number, total: number): PacketWindow {
  const length = Math.min(size, total);
  const start = Math.min(Math.max(0, center - Math.floor(length / 3)), total - length);
  return { start, end: start + length };
}

export interface OverviewBin {
  readonly start: number;
  readonly end: number;
  readonly packets: number;
  readonly remarkable: number;
}

/** The whole flow in `count` slices by position: the overview strip one clicks to move. */
export function overviewBins(packets: readonly FlowPacket[], count: number): OverviewBin[] {
  const bins: OverviewBin[] = [];
  const size = Math.max(1, Math.ceil(packets.length / count));
  for (let start = 0; start < packets.length; start += size) {
    const end = Math.min(packets.length, start + size);
    let remarkable = 0;
    for (let i = start; i < end; i++) if (isRemarkable(packets[i]!)) remarkable++;
    bins.push({ start, end, packets: end - start, remarkable });
  }
  return bins;
}
