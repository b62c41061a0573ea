/** An address and port a rule matches or rewrites to. */
export interface DnatEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * A node's single PREROUTING DNAT from a service address to one backend, in iptables-save
 * format: the plainest NAT a Service VIP can sit behind (no kube-proxy chains, no masquerade).
 */
export function plainDnatRules(service: DnatEndpoint, backend: DnatEndpoint): string {
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    `-A PREROUTING -d ${service.host}/32 -p tcp --dport ${service.port} -j DNAT --to-destination ${backend.host}:${backend.port}`,
    'COMMIT',
  ].join('\n');
}
