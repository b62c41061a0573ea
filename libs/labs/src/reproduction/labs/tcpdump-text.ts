import { run } from '../../shell/run-command.js';

/**
 * A packet as `tcpdump -nn -tt -S -r` prints it on one line. The lab integration specs check
 * captures through tcpdump rather than the project's own capture reader, so a bug there cannot
 * hide a lab that did not reproduce its mechanism.
 */
export interface PrintedPacket {
  readonly time: number;
  readonly family: 4 | 6;
  /** Address without port. */
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
  /** tcpdump's flag letters: `S`, `S.`, `.`, `P.`, `F.`, `R`, `R.` … */
  readonly flags?: string;
  /** Absolute sequence number (first byte) for TCP. */
  readonly seq?: number;
  /** TCP payload bytes (`length N`). */
  readonly payload?: number;
  /** The rest of an ICMP/ICMPv6 line, e.g. `ICMP6, packet too big, mtu 1280, length 1240`. */
  readonly icmp?: string;
  readonly line: string;
}

const LINE = /^(\d+\.\d+) (IP6?) (\S+) > (\S+): (.*)$/;

function splitPort(endpoint: string): { address: string; port?: number } {
  const dot = endpoint.lastIndexOf('.');
  const tail = endpoint.slice(dot + 1);
  if (dot > 0 && /^\d+$/.test(tail) && (endpoint.includes(':') || endpoint.split('.').length === 5))
    return { address: endpoint.slice(0, dot), port: Number(tail) };
  return { address: endpoint };
}

/** Parses one line; undefined for lines that are not IPv4/IPv6 packets (ARP, headers). */
export function parseTcpdumpLine(line: string): PrintedPacket | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, time, proto, from, toWithColon, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const family = proto === 'IP6' ? 6 : 4;
  const src = splitPort(from);
  const dst = splitPort(toWithColon);
  const base = { time: Number(time), family, src: src.address, dst: dst.address, line } as const;
  if (rest.startsWith('ICMP')) return { ...base, icmp: rest };
  const flags = /^Flags \[([^\]]+)\]/.exec(rest)?.[1];
  if (flags === undefined) return base;
  const seq = /, seq (\d+)/.exec(rest)?.[1];
  const payload = /, length (\d+)/.exec(rest)?.[1];
  return {
    ...base,
    ...(src.port === undefined ? {} : { sport: src.port }),
    ...(dst.port === undefined ? {} : { dport: dst.port }),
    flags,
    ...(seq === undefined ? {} : { seq: Number(seq) }),
    payload: payload === undefined ? 0 : Number(payload),
  };
}

export function parseTcpdumpText(text: string): PrintedPacket[] {
  return text
    .split('\n')
    .map(parseTcpdumpLine)
    .filter((packet): packet is PrintedPacket => packet !== undefined);
}

/** Reads a pcap file through tcpdump. */
export function readPrintedCapture(file: string): PrintedPacket[] {
  return parseTcpdumpText(run(['tcpdump', '-nn', '-tt', '-S', '-r', file]));
}

export function endpointOf(address: string, port: number | undefined): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `client -> server` direction key of a TCP packet. */
export function senderOf(packet: PrintedPacket): string {
  return endpointOf(packet.src, packet.sport);
}

/**
 * Segments sent again by the same sender with the same sequence number: SYNs, SYN-ACKs and
 * data (a pure ACK repeats its sequence number legitimately and is not counted).
 */
export function retransmissions(packets: readonly PrintedPacket[]): PrintedPacket[] {
  const seen = new Set<string>();
  const repeated: PrintedPacket[] = [];
  for (const packet of packets) {
    if (packet.flags === undefined || packet.seq === undefined) continue;
    const carriesSequence =
      (packet.payload ?? 0) > 0 || packet.flags.includes('S') || packet.flags.includes('F');
    if (!carriesSequence) continue;
    const key = `${senderOf(packet)}>${endpointOf(packet.dst, packet.dport)}#${packet.flags}#${packet.seq}`;
    if (seen.has(key)) repeated.push(packet);
    else seen.add(key);
  }
  return repeated;
}

export function resets(packets: readonly PrintedPacket[]): PrintedPacket[] {
  return packets.filter((packet) => packet.flags?.includes('R') === true);
}

/**
 * What a healthy capture must not show: resets (other than the answer to a SYN for a port in
 * `refusedPorts`, the ordinary "connection refused") and retransmitted SYNs or data.
 */
export function unhealthySigns(
  packets: readonly PrintedPacket[],
  options: { refusedPorts?: readonly number[] } = {},
): string[] {
  const refused = new Set(options.refusedPorts ?? []);
  const problems: string[] = [];
  for (const reset of resets(packets)) {
    const answersRefusedSyn =
      reset.flags === 'R.' && refused.has(reset.sport ?? -1) && (reset.seq ?? 0) === 0;
    if (!answersRefusedSyn) problems.push(`reset: ${reset.line}`);
  }
  for (const again of retransmissions(packets)) problems.push(`retransmission: ${again.line}`);
  return problems;
}
