import {
  ALL_SNAPSHOTS,
  type ArtifactRecorder,
  type SnapshotKind,
  type TopologySpec,
} from '../kit/index.js';

/**
 * Pieces the healthy labs share. Healthy bundles must look like failing ones (same artifact
 * kinds, same stateful firewalls and NAT) so that the matcher's silence is tested on realistic
 * input, latent risks included: every ruleset here tracks connections with the kernel's
 * default nf_conntrack_tcp_be_liberal=0 and has no INVALID drop rule.
 */

/** client — router — server(s): `10.78.<clientNet>.0/24` and `10.78.<serverNet + i>.0/24`. */
export function routedSpec(
  clientNet: number,
  serverNet: number,
  options: {
    servers?: readonly string[];
    routerSysctls?: Readonly<Record<string, string | number>>;
    extraSysctls?: TopologySpec['sysctls'];
  } = {},
): TopologySpec {
  const servers = options.servers ?? ['server'];
  return {
    namespaces: ['client', 'router', ...servers],
    links: [
      {
        a: { ns: 'client', dev: 'eth0', addresses: [`10.78.${clientNet}.10/24`] },
        b: { ns: 'router', dev: 'eth-c', addresses: [`10.78.${clientNet}.1/24`] },
      },
      ...servers.map((server, index) => ({
        a: { ns: 'router', dev: `eth-s${index}`, addresses: [`10.78.${serverNet + index}.1/24`] },
        b: { ns: server, dev: 'eth0', addresses: [`10.78.${serverNet + index}.20/24`] },
      })),
    ],
    routes: [
      { ns: 'client', to: 'default', via: `10.78.${clientNet}.1` },
      ...servers.map((server, index) => ({
        ns: server,
        to: 'default',
        via: `10.78.${serverNet + index}.1`,
      })),
    ],
    forwarding: ['router'],
    sysctls: { ...(options.extraSysctls ?? {}), router: options.routerSysctls ?? {} },
  };
}

/** Two namespaces on one link, each at `10.78.<net>.<host>/24`. */
export function onOneLinkSpec(
  net: number,
  a: { readonly ns: string; readonly host: number },
  b: { readonly ns: string; readonly host: number },
  sysctls?: TopologySpec['sysctls'],
): TopologySpec {
  return {
    namespaces: [a.ns, b.ns],
    links: [
      {
        a: { ns: a.ns, dev: 'eth0', addresses: [`10.78.${net}.${a.host}/24`] },
        b: { ns: b.ns, dev: 'eth0', addresses: [`10.78.${net}.${b.host}/24`] },
      },
    ],
    ...(sysctls === undefined ? {} : { sysctls }),
  };
}

/** The address of the i-th server behind a `routedSpec` router. */
export function serverAddress(serverNet: number, index = 0): string {
  return `10.78.${serverNet + index}.20`;
}

/** A stateful forwarding firewall: established traffic and new TCP allowed, the rest dropped. */
export const STATEFUL_FORWARD_RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -p tcp -m conntrack --ctstate NEW -j ACCEPT
-A FORWARD -p icmp -j ACCEPT
COMMIT
`;

/** A host firewall on a server: established traffic and the service ports, nothing else. */
export function statefulHostRules(ports: readonly number[]): string {
  return [
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ...ports.map(
      (port) => `-A INPUT -p tcp -m tcp --dport ${port} -m conntrack --ctstate NEW -j ACCEPT`,
    ),
    '-A INPUT -p icmp -j ACCEPT',
    'COMMIT',
    '',
  ].join('\n');
}

/**
 * A service address DNATed to backends the way kube-proxy's iptables mode spreads them
 * (statistic nth per rule), with masquerade toward the backends out of `egress` (none when
 * `egress` is null: the backends then see the client's own address).
 */
export function serviceDnatRules(
  vip: string,
  port: number,
  backends: readonly string[],
  egress: string | null,
): string {
  const lines = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':LAB-SVC - [0:0]',
  ];
  lines.push(`-A PREROUTING -d ${vip}/32 -p tcp -m tcp --dport ${port} -j LAB-SVC`);
  backends.forEach((backend, index) => {
    const remaining = backends.length - index;
    const pick = remaining > 1 ? ` -m statistic --mode nth --every ${remaining} --packet 0` : '';
    lines.push(`-A LAB-SVC -p tcp${pick} -j DNAT --to-destination ${backend}`);
  });
  if (egress !== null)
    lines.push(`-A POSTROUTING -o ${egress} -m conntrack --ctstate DNAT -j MASQUERADE`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Every state snapshot of one namespace, the way `collect.sh` gathers a node. */
export function snapshotEverything(
  rec: ArtifactRecorder,
  role: string,
  options: { prefix?: string; except?: readonly SnapshotKind[] } = {},
): void {
  const kinds = ALL_SNAPSHOTS.filter((kind) => !(options.except ?? []).includes(kind));
  rec.snapshot(role, kinds, options.prefix === undefined ? {} : { prefix: options.prefix });
}

/** Short conntrack timeouts, so closed flows are destroyed while the lab still records. */
export const SHORT_CLOSE_TIMEOUTS = {
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait': 1,
  'net.netfilter.nf_conntrack_tcp_timeout_close': 1,
  'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': 2,
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait': 2,
  'net.netfilter.nf_conntrack_tcp_timeout_last_ack': 2,
} as const;
