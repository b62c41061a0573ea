import type { IcmpInfo, IcmpQuotedPacket, Packet, TcpOptions } from '@netmortem/domain';
import { icmpName } from './icmp-names.js';
import { formatAddress } from './ip-address.js';
import { PacketDirection, type PacketView } from './packet-view.js';
import { readTcpOptions } from './tcp.decoder.js';

/**
 * The domain `Packet` for what the view holds now: the allocation the hot path avoids,
 * made on demand (evidence excerpts, JSON output, tests). Returns undefined for a packet
 * that is not IP, since a `Packet` needs addresses.
 */
export function toPacket(
  view: PacketView,
  artifact: string,
  interfaceName?: string,
): Packet | undefined {
  if (view.ipVersion !== 4 && view.ipVersion !== 6) return undefined;
  const v = view.ipVersion;
  const hasPorts = view.srcPort >= 0 && view.dstPort >= 0;
  const name = interfaceName ?? (view.ifIndex >= 0 ? `if${view.ifIndex}` : undefined);
  return {
    locator: { artifact, packet: view.number, byteOffset: view.byteOffset },
    timeUs: view.timeUs,
    timeSubUsNs: view.timeSubUsNs,
    ...(name === undefined ? {} : { interface: name }),
    ...(view.direction === PacketDirection.Unknown
      ? {}
      : { direction: view.direction === PacketDirection.In ? 'in' : 'out' }),
    ...(view.vlanCount > 0 ? { vlan: Array.from(view.vlans.subarray(0, view.vlanCount)) } : {}),
    ipVersion: v,
    src: formatAddress(v, view.src0, view.src1, view.src2, view.src3),
    dst: formatAddress(v, view.dst0, view.dst1, view.dst2, view.dst3),
    ...(view.ipId >= 0 ? { ipId: view.ipId } : {}),
    ttl: view.ttl,
    protocol: view.protocol,
    ...(hasPorts ? { srcPort: view.srcPort, dstPort: view.dstPort } : {}),
    ...(view.tcpFlags >= 0
      ? {
          tcp: {
            flags: view.tcpFlags,
            seq: view.seq,
            ack: view.ack,
            window: view.window,
            headerLength: view.tcpHeaderLength,
            options: tcpOptions(view),
          },
        }
      : {}),
    ...(view.icmpType >= 0 ? { icmp: icmpInfo(view) } : {}),
    payloadLength: view.payloadLength,
    capturedLength: view.capturedLength,
    originalLength: view.originalLength,
  };
}

function tcpOptions(view: PacketView): TcpOptions {
  readTcpOptions(view);
  const sackBlocks: [number, number][] = [];
  for (let i = 0; i < view.sackCount; i++)
    sackBlocks.push([view.sackBlocks[2 * i] as number, view.sackBlocks[2 * i + 1] as number]);
  return {
    ...(view.mss >= 0 ? { mss: view.mss } : {}),
    ...(view.windowScale >= 0 ? { windowScale: view.windowScale } : {}),
    ...(view.sackPermitted ? { sackPermitted: true } : {}),
    ...(sackBlocks.length > 0 ? { sackBlocks } : {}),
    ...(view.hasTimestamp ? { timestamp: { value: view.tsValue, echo: view.tsEcho } } : {}),
  };
}

function icmpInfo(view: PacketView): IcmpInfo {
  return {
    type: view.icmpType,
    code: view.icmpCode,
    name: icmpName(view.ipVersion, view.icmpType, view.icmpCode),
    ...(view.icmpMtu >= 0 ? { mtu: view.icmpMtu } : {}),
    ...(view.quotedVersion === 0 ? {} : { quoted: quotedPacket(view) }),
  };
}

function quotedPacket(view: PacketView): IcmpQuotedPacket {
  const v = view.quotedVersion === 4 ? 4 : 6;
  return {
    ipVersion: v,
    src: formatAddress(v, view.quotedSrc0, view.quotedSrc1, view.quotedSrc2, view.quotedSrc3),
    dst: formatAddress(v, view.quotedDst0, view.quotedDst1, view.quotedDst2, view.quotedDst3),
    protocol: view.quotedProtocol,
    ...(view.quotedSrcPort >= 0
      ? { srcPort: view.quotedSrcPort, dstPort: view.quotedDstPort }
      : {}),
    ...(view.quotedSeq >= 0 ? { tcpSeq: view.quotedSeq } : {}),
  };
}
