import { shareConfidence, sampledLines } from '../confidence.js';
import type { KindDetection } from '../kind-detection.js';
import { LineShapes } from '../line-shapes.js';
import type { TextSample } from '../text-sample.js';

/**
 * Socket tables from `ss` (iproute2) and `netstat` (net-tools). The two are told apart by their
 * headers and, when a header is missing (`ss -H`, a pasted excerpt), by their rows: ss puts the
 * state first and spells it with hyphens (ESTAB, FIN-WAIT-2); netstat puts the protocol first
 * and uses underscores (ESTABLISHED, FIN_WAIT2).
 *
 * The protocol counters that sit beside them in bundles (`netstat -s`, `nstat`, and the
 * /proc/net/snmp, /proc/net/netstat and /proc/net/snmp6 files they read) are recognised here
 * as `net-counters`, so they are not mistaken for the tables (or, for netstat -s with its
 * "connection resets received", for an app log). `ss -s` is a socket summary no parser
 * reads: it is named and reported as unknown.
 */

const SS_STATES =
  'ESTAB|LISTEN|SYN-SENT|SYN-RECV|FIN-WAIT-1|FIN-WAIT-2|TIME-WAIT|CLOSE-WAIT|LAST-ACK|CLOSING|CLOSED|CLOSE|UNCONN|UNKNOWN|NEW-SYN-RECV|BOUND';
const SS_NETIDS =
  'tcp|udp|raw|u_str|u_dgr|u_seq|nl|p_raw|p_dgr|mptcp|sctp|dccp|tipc|vsock|xdp|icmp6?';
const NETSTAT_STATES =
  'ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING|CLOSE|UNKNOWN';

const SOCKET_LINES = new LineShapes({
  // iproute2 >= 4.x; `-a` with several protocols adds Netid; a state filter drops the State column.
  ssHeader: /(?:Netid\s+)?(?:State\s+)?Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/,
  ssRow: new RegExp(`(?:(?:${SS_NETIDS})\\s+)?(?:${SS_STATES})\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\S+`),
  // Rows of a state-filtered listing, which has neither Netid nor State. Addresses end in
  // `:port` (or `:*`); anchoring on that keeps colon-rich IPv6 tokens from backtracking.
  ssStatelessRow: /\d+\s+\d+\s+\S*:(?:\d+|\*)\s+\S*:(?:\d+|\*)(?:\s|$)/,
  // -i, -m and -e print a second, indented line per socket.
  ssDetail:
    /\s+(?:(?:ts|sack|ecn|ecnseen|fastopen|cubic|bbr|bbr2|reno|dctcp|htcp|vegas|westwood|illinois|scalable|yeah|hybla|lp|veno|nv|cdg)\b|skmem:|wscale:|rto:|rtt:|mss:|cwnd:)/,
  netstatTitle: /Active (?:Internet connections|UNIX domain sockets|Bluetooth connections)\b/,
  netstatHeader:
    /Proto\s+(?:Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address|RefCnt\s+Flags\s+Type)/,
  netstatRow: new RegExp(
    `(?:tcp6?\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\S+\\s+(?:${NETSTAT_STATES})\\b|(?:udp|udpl|raw)6?\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\S+|unix\\s+\\d+\\s+\\[)`,
  ),
  ssSummary:
    /(?:Total: \d+|TCP:\s+\d+ \(estab \d+, closed \d+, orphaned \d+|Transport\s+Total\s+IP\s+IPv6$)/,
  counterSection: /(?:Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|TcpExt|IpExt|MPTcpExt|Sctp):$/,
  counter: /\s+(?:\d+ [A-Za-z]|[A-Za-z][\w ]*: \d+$)/,
  nstat: /(?:#kernel$|[A-Z][A-Za-z0-9]+\s+\d+\s+\d+\.\d+$)/,
  // /proc/net/snmp and /proc/net/netstat: a row of names, then a row of values, per protocol.
  snmpNames: /[A-Z][A-Za-z0-9]*: [A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)+$/,
  snmpValues: /[A-Z][A-Za-z0-9]*: -?\d+(?: -?\d+)+$/,
  // /proc/net/snmp6: a name and a value, no rate column.
  snmp6: /(?:Ip6|Icmp6|Udp6|UdpLite6)[A-Za-z0-9]+\s+\d+$/,
});

type SocketCounts = ReturnType<typeof SOCKET_LINES.count>;

export function detectSocketTable(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  const counts = SOCKET_LINES.count(lines);
  const firstIsSsHeader = lines.length > 0 && SOCKET_LINES.match(lines[0]!) === 'ssHeader';
  return (
    ss(counts, lines, firstIsSsHeader) ??
    netstat(counts, lines.length) ??
    counters(counts, lines.length)
  );
}

function ss(
  counts: SocketCounts,
  lines: readonly string[],
  hasHeader: boolean,
): KindDetection | undefined {
  const stateless = hasHeader && lines[0]!.startsWith('Recv-Q');
  const rows = stateless ? counts.ssStatelessRow : counts.ssRow;
  const supporting = rows > 0 ? rows + counts.ssDetail : 0;
  const body = lines.length - (hasHeader ? 1 : 0);
  if (hasHeader) {
    if (body === 0) return { kind: 'ss', confidence: 0.9, reason: 'ss column header, no sockets' };
    if (rows > 0) {
      return {
        kind: 'ss',
        confidence: Math.max(0.9, shareConfidence(supporting, body, 0.9, 0.98)),
        reason: `ss column header and ${rows} socket rows`,
      };
    }
  }
  if (rows === 0) return undefined;
  return {
    kind: 'ss',
    confidence: shareConfidence(supporting, lines.length, 0.4, 0.9),
    reason: sampledLines(rows, lines.length, 'look like ss rows (state first, hyphenated)'),
  };
}

function netstat(counts: SocketCounts, total: number): KindDetection | undefined {
  const structure = counts.netstatTitle + counts.netstatHeader;
  const rows = counts.netstatRow;
  if (structure > 0 && (rows > 0 || total === structure)) {
    return {
      kind: 'netstat',
      confidence: Math.max(0.9, shareConfidence(rows + structure, total, 0.9, 0.98)),
      reason: `netstat socket table header and ${rows} socket rows`,
    };
  }
  if (rows === 0) return undefined;
  return {
    kind: 'netstat',
    confidence: shareConfidence(rows, total, 0.4, 0.9),
    reason: sampledLines(rows, total, 'look like netstat rows (protocol first)'),
  };
}

function counters(counts: SocketCounts, total: number): KindDetection | undefined {
  if (counts.ssSummary >= 2) {
    return {
      kind: 'unknown',
      confidence: 0.85,
      reason: 'ss -s summary: counters, not a socket table',
    };
  }
  if (counts.counterSection >= 2 && counts.counterSection + counts.counter >= total / 2) {
    return {
      kind: 'net-counters',
      confidence: Math.max(
        0.9,
        shareConfidence(counts.counterSection + counts.counter, total, 0.9, 0.97),
      ),
      reason: 'netstat -s protocol counters',
    };
  }
  const pairs = Math.min(counts.snmpNames, counts.snmpValues);
  if (pairs >= 2 && counts.snmpNames + counts.snmpValues >= total / 2) {
    return {
      kind: 'net-counters',
      confidence: Math.max(
        0.9,
        shareConfidence(counts.snmpNames + counts.snmpValues, total, 0.9, 0.97),
      ),
      reason: `/proc/net/snmp or /proc/net/netstat: ${pairs} rows of counter names with their values`,
    };
  }
  const named = counts.nstat + counts.snmp6;
  if ((named >= 3 && named >= total / 2) || (total <= 2 && counts.nstat >= 1)) {
    return {
      kind: 'net-counters',
      confidence: Math.max(0.9, shareConfidence(named, total, 0.9, 0.97)),
      reason: counts.snmp6 > counts.nstat ? '/proc/net/snmp6 counters' : 'nstat counters',
    };
  }
  return undefined;
}
