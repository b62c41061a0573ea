import { TcpFlag, type Packet } from '@netmortem/domain';
import type { Tuple } from '../model/index.js';
import type { TupleJson } from './replay-types.js';

/** `2026-01-14T10:30:01.123456Z`: ISO with the microseconds a capture has. */
export function isoMicros(timeUs: number): string {
  const ms = Math.floor(timeUs / 1000);
  const iso = new Date(ms).toISOString();
  const micros = String(Math.floor(timeUs) % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

/** `12:03:04.123456`, for sentences. */
export function clockMicros(timeUs: number): string {
  return isoMicros(timeUs).slice(11, 26);
}

export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function tupleJson(t: Tuple): TupleJson {
  return { protocol: t.protocol, src: t.src, srcPort: t.srcPort, dst: t.dst, dstPort: t.dstPort };
}

export function tupleText(t: Tuple): string {
  return `${hostPort(t.src, t.srcPort)} > ${hostPort(t.dst, t.dstPort)}`;
}

const FLAG_NAMES: readonly [number, string][] = [
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.FIN, 'FIN'],
  [TcpFlag.RST, 'RST'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.ACK, 'ACK'],
  [TcpFlag.URG, 'URG'],
];

/** `SYN,ACK`: the flags as people say them. */
export function flagsText(flags: number): string {
  const names = FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
  return names.length > 0 ? names.join(',') : 'none';
}

/** `RST from 10.0.0.5:8080`, `SYN,ACK from …`, `UDP from …`: what a packet is, in a few words. */
export function packetText(packet: Packet): string {
  const from = hostPort(packet.src, packet.srcPort ?? 0);
  const to = hostPort(packet.dst, packet.dstPort ?? 0);
  if (packet.tcp) {
    const data = packet.payloadLength > 0 ? ` ${packet.payloadLength} bytes` : '';
    return `${flagsText(packet.tcp.flags)}${data} from ${from} to ${to}`;
  }
  if (packet.icmp) return `ICMP ${packet.icmp.name} from ${packet.src} to ${packet.dst}`;
  const proto = packet.protocol === 17 ? 'UDP' : `protocol ${packet.protocol}`;
  return `${proto} from ${from} to ${to}`;
}
