/**
 * Words after which a number is a port, in the formats a bundle holds: conntrack
 * (`sport=`), netfilter logs (`SPT=`), iptables (`--dport`, `--to-ports`, `-L`'s `dpt:`),
 * nft (`dport 80`, `dport { 80, 443 }`), strace (`htons(80)`), JSON and logfmt fields, kubectl
 * port-forward (`forwarding 5432 -> 5432`). Compared in lower case.
 */
export const PORT_KEYWORDS: ReadonlySet<string> = new Set([
  'port', 'ports', 'sport', 'dport', 'sports', 'dports', 'spt', 'dpt', 'spts', 'dpts',
  'to-ports', 'to-port', 'source-port', 'source-ports', 'destination-port',
  'destination-ports', 'htons', 'forwarding',
  'localport', 'remoteport', 'srcport', 'dstport', 'sourceport', 'destport',
  'destinationport', 'local_port', 'remote_port', 'src_port', 'dst_port', 'source_port',
  'dest_port', 'destination_port', 'upstream_port', 'downstream_port', 'targetport',
  'target_port', 'containerport', 'container_port', 'hostport', 'host_port', 'nodeport',
  'node_port', 'listenport', 'listen_port', 'server_port', 'client_port', 'serverport',
  'clientport',
]); // prettier-ignore

/** Characters that may stand between a port keyword and its number (`dport=`, `dpt:`, `htons(`, `!= `, `"port": `). */
export function isPortGap(c: number): boolean {
  return (
    c === 0x20 || // space
    c === 0x09 || // tab
    c === 0x3d || // =
    c === 0x3a || // :
    c === 0x22 || // "
    c === 0x27 || // '
    c === 0x28 || // (
    c === 0x21 || // !
    c === 0x7c // | (Envoy cluster names: outbound|8080||host)
  );
}
