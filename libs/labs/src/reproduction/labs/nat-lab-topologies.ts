import type { TopologySpec } from '../kit/index.js';

/**
 * The two shapes the NAT/conntrack labs use, on a /24 pair chosen per variant (so bundles
 * differ in addressing): a client wired straight to a pod-like host, or a client and a
 * server (or several backends) on either side of a forwarding node.
 */
export interface DirectPair {
  readonly spec: TopologySpec;
  readonly clientIp: string;
  readonly hostIp: string;
}

export function directPair(
  subnet: number,
  roles: { client: string; host: string },
  hostSysctls: Record<string, string | number> = {},
): DirectPair {
  const clientIp = `10.78.${subnet}.2`;
  const hostIp = `10.78.${subnet}.20`;
  return {
    clientIp,
    hostIp,
    spec: {
      namespaces: [roles.client, roles.host],
      links: [
        {
          a: { ns: roles.client, dev: 'eth0', addresses: [`${clientIp}/24`] },
          b: { ns: roles.host, dev: 'eth0', addresses: [`${hostIp}/24`] },
        },
      ],
      sysctls: { [roles.host]: hostSysctls },
    },
  };
}

export interface RoutedLab {
  readonly spec: TopologySpec;
  /** Client addresses, one per client namespace, in order. */
  readonly clientIps: string[];
  /** The router's address on the client side (what a NodePort client dials). */
  readonly routerClientIp: string;
  readonly routerServerIp: string;
  /** Server addresses, one per server namespace, in order. */
  readonly serverIps: string[];
}

/**
 * Clients on `10.78.<clientNet>.0/24`, servers on `10.78.<serverNet>.0/24`, the router
 * between them: its bridge `br-c` (client side) and `br-s` (server side) hold its addresses,
 * each client and server is a veth on the matching bridge.
 */
export function routedLab(options: {
  clientNet: number;
  serverNet: number;
  clients: readonly string[];
  servers: readonly string[];
  router?: string;
  sysctls?: TopologySpec['sysctls'];
}): RoutedLab {
  const router = options.router ?? 'router';
  const clientIps = options.clients.map((_, i) => `10.78.${options.clientNet}.${10 + i}`);
  const serverIps = options.servers.map((_, i) => `10.78.${options.serverNet}.${10 + i}`);
  const routerClientIp = `10.78.${options.clientNet}.1`;
  const routerServerIp = `10.78.${options.serverNet}.1`;
  const links = [
    ...options.clients.map((role, i) => ({
      a: { ns: role, dev: 'eth0', addresses: [`${clientIps[i]}/24`] },
      b: { ns: router, dev: `vc${i}`, master: 'br-c' },
    })),
    ...options.servers.map((role, i) => ({
      a: { ns: router, dev: `vs${i}`, master: 'br-s' },
      b: { ns: role, dev: 'eth0', addresses: [`${serverIps[i]}/24`] },
    })),
  ];
  return {
    clientIps,
    routerClientIp,
    routerServerIp,
    serverIps,
    spec: {
      namespaces: [...options.clients, router, ...options.servers],
      bridges: [
        { ns: router, name: 'br-c', addresses: [`${routerClientIp}/24`] },
        { ns: router, name: 'br-s', addresses: [`${routerServerIp}/24`] },
      ],
      links,
      routes: [
        ...options.clients.map((ns) => ({ ns, to: 'default', via: routerClientIp })),
        ...options.servers.map((ns) => ({ ns, to: 'default', via: routerServerIp })),
      ],
      forwarding: [router],
      ...(options.sysctls === undefined ? {} : { sysctls: options.sysctls }),
    },
  };
}
