/**
 * Every kind of artifact a bundle may hold. The ids are a public contract: the CLI's JSON,
 * the GraphQL API and stored rows use them, so renaming one is a breaking change.
 */
export const ARTIFACT_KINDS = [
  'pcap',
  'pcapng',
  'ss',
  'netstat',
  'conntrack-table',
  'conntrack-events',
  'conntrack-stats',
  'iptables-save',
  'nft-ruleset',
  'sysctl',
  'uname',
  'dmesg',
  'envoy-access-log',
  'envoy-debug-log',
  'strace',
  'app-log',
  'manifest',
  // Protocol counters (nstat, netstat -s, /proc/net/snmp and /proc/net/netstat). Added after
  // the first set; kinds are only ever added, never renamed.
  'net-counters',
  'unknown',
] as const;

export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export function isArtifactKind(value: string): value is ArtifactKind {
  return (ARTIFACT_KINDS as readonly string[]).includes(value);
}
