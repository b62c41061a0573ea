import type { Packet } from '@netmortem/domain';
import type { TrackedEntry } from './conntrack-record.js';
import type { ConntrackSettings } from './settings.js';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

/** A reply seen this long after creation makes a UDP flow a "stream". */
const UDP_STREAM_AFTER_US = 2_000_000;

/** ICMP errors carry (part of) the packet that caused them and belong to that packet's flow. */
export function isIcmpError(packet: Packet): boolean {
  const icmp = packet.icmp;
  if (icmp === undefined) return false;
  if (packet.protocol === PROTO_ICMP) {
    const t = icmp.type;
    return t === 3 || t === 4 || t === 5 || t === 11 || t === 12;
  }
  return packet.protocol === PROTO_ICMPV6 && icmp.type < 128;
}

/** ICMP queries that may open an entry (their answers then match it). */
export function icmpMayCreate(packet: Packet): boolean {
  const t = packet.icmp?.type;
  if (packet.protocol === PROTO_ICMP) return t === 8 || t === 13 || t === 15 || t === 17;
  return t === 128 || t === 139;
}

export function udpNew(entry: TrackedEntry, nowUs: number): void {
  entry.udpStreamAfterUs = nowUs + UDP_STREAM_AFTER_US;
}

/**
 * UDP: unreplied flows get the short timeout; once a reply has been seen, traffic more than two
 * seconds after creation makes it a stream (long timeout, ASSURED: not early-dropped).
 */
export function udpPacket(entry: TrackedEntry, nowUs: number, settings: ConntrackSettings): void {
  if (!entry.seenReply) {
    entry.arm(nowUs, settings.udpTimeout, 'UDP');
    return;
  }
  if (nowUs > entry.udpStreamAfterUs) {
    entry.arm(nowUs, settings.udpStreamTimeout, 'UDP_STREAM');
    entry.assured = true;
  } else {
    entry.arm(nowUs, settings.udpTimeout, 'UDP');
  }
}

export function icmpPacket(entry: TrackedEntry, nowUs: number, settings: ConntrackSettings): void {
  entry.arm(nowUs, settings.icmpTimeout, 'ICMP');
}

export function genericPacket(
  entry: TrackedEntry,
  nowUs: number,
  settings: ConntrackSettings,
): void {
  entry.arm(nowUs, settings.genericTimeout, 'GENERIC');
}
