/** The TCP conntrack states, named as `conntrack -L` prints them. */
export const TCP_CONNTRACK_STATES = [
  'NONE',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
] as const;
export type TcpConntrackState = (typeof TCP_CONNTRACK_STATES)[number];

/** What `-m conntrack --ctstate` sees for a packet. */
export const CT_INFOS = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'] as const;
export type CtInfo = (typeof CT_INFOS)[number];

/** Which side of the entry sent the packet: `--ctdir ORIGINAL|REPLY`. */
export type CtDirection = 'original' | 'reply';

/** A connection's addresses as conntrack keys it (layer 4 protocol number included). */
export interface Tuple {
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
}

/** The tuple with source and destination swapped: what the reply direction looks like. */
export function invertTuple(t: Tuple): Tuple {
  return { protocol: t.protocol, src: t.dst, dst: t.src, srcPort: t.dstPort, dstPort: t.srcPort };
}

/** A stable map key for a tuple. */
export function tupleKey(t: Tuple): string {
  return `${t.protocol}|${t.src}|${t.srcPort}|${t.dst}|${t.dstPort}`;
}

export function formatTuple(t: Tuple): string {
  const host = (ip: string, port: number) =>
    ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  return `${host(t.src, t.srcPort)} > ${host(t.dst, t.dstPort)}`;
}
