const V4_UNREACHABLE = [
  'net-unreachable',
  'host-unreachable',
  'protocol-unreachable',
  'port-unreachable',
  'frag-needed',
  'source-route-failed',
  'net-unknown',
  'host-unknown',
  'source-host-isolated',
  'net-prohibited',
  'host-prohibited',
  'net-tos-unreachable',
  'host-tos-unreachable',
  'admin-prohibited',
  'host-precedence-violation',
  'precedence-cutoff',
];

const V4_TYPES: Readonly<Record<number, string>> = {
  0: 'echo-reply',
  4: 'source-quench',
  5: 'redirect',
  8: 'echo-request',
  9: 'router-advertisement',
  10: 'router-solicitation',
  12: 'parameter-problem',
  13: 'timestamp-request',
  14: 'timestamp-reply',
};

const V6_UNREACHABLE = [
  'no-route',
  'admin-prohibited',
  'beyond-scope',
  'address-unreachable',
  'port-unreachable',
  'source-policy-failed',
  'reject-route',
];

const V6_TYPES: Readonly<Record<number, string>> = {
  2: 'packet-too-big',
  4: 'parameter-problem',
  128: 'echo-request',
  129: 'echo-reply',
  130: 'mld-query',
  131: 'mld-report',
  133: 'router-solicitation',
  134: 'router-advertisement',
  135: 'neighbor-solicitation',
  136: 'neighbor-advertisement',
  137: 'redirect',
  143: 'mld-v2-report',
};

/** A short stable name for an ICMP/ICMPv6 type and code, e.g. `port-unreachable`. */
export function icmpName(ipVersion: number, type: number, code: number): string {
  if (ipVersion === 4) {
    if (type === 3) return V4_UNREACHABLE[code] ?? `unreachable-code-${code}`;
    if (type === 11) return code === 1 ? 'fragment-reassembly-time-exceeded' : 'ttl-exceeded';
    return V4_TYPES[type] ?? `icmp-type-${type}`;
  }
  if (type === 1) return V6_UNREACHABLE[code] ?? `unreachable-code-${code}`;
  if (type === 3) return code === 1 ? 'fragment-reassembly-time-exceeded' : 'hop-limit-exceeded';
  return V6_TYPES[type] ?? `icmpv6-type-${type}`;
}

/** Whether this ICMP message reports an error about a packet it quotes. */
export function isIcmpError(ipVersion: number, type: number): boolean {
  if (ipVersion === 4) return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
  return type >= 1 && type <= 4;
}
