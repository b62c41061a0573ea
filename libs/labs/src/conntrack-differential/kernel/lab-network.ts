import { LAB_ADDRESSES, ROUTER_INTERFACES } from '../sequences/lab-addresses.js';
import { run } from '../../shell/run-command.js';

/** MACs fixed so that crafted frames can be addressed before the lab exists. */
export const LAB_MACS = {
  routerClientSide: '02:77:00:00:01:01',
  wireClientSide: '02:77:00:00:01:02',
  routerServerSide: '02:77:00:00:02:01',
  wireServerSide: '02:77:00:00:02:02',
} as const;

/** The wire namespace's interfaces: tcpreplay writes client frames to one, server frames to the other. */
export const WIRE_INTERFACES = { clientSide: 'nmw-c', serverSide: 'nmw-s' } as const;

/**
 * Two namespaces: `router` forwards between 10.77.1.0/24 and 10.77.2.0/24 (and the fd00::
 * twins) and tracks connections; `wire` holds both far ends of the links with no addresses
 * and IPv6 off, so it never answers anything: the client and the server are whatever
 * tcpreplay writes into its two interfaces (tcpreplay drives two interfaces only from one
 * namespace). The server and client "hosts" therefore exist only as neighbour entries.
 */
export class LabNetwork {
  readonly router: string;
  readonly wire: string;
  private closed = false;
  private readonly onExit = (): void => this.close();

  private constructor(prefix: string) {
    this.router = `${prefix}-rtr`;
    this.wire = `${prefix}-wire`;
  }

  static create(prefix: string): LabNetwork {
    if (!/^nmdiff-[\w-]+$/.test(prefix))
      throw new TypeError(`lab namespaces must be named nmdiff-*, not ${prefix}`);
    const lab = new LabNetwork(prefix);
    process.once('exit', lab.onExit);
    try {
      lab.build();
    } catch (error) {
      lab.close();
      throw error;
    }
    return lab;
  }

  /** Deletes both namespaces (and so the veth pairs); safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    for (const ns of [this.router, this.wire]) {
      try {
        run(['ip', 'netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  }

  private build(): void {
    const { router: r, wire: w } = this;
    for (const ns of [r, w]) {
      try {
        run(['ip', 'netns', 'del', ns]);
      } catch {
        // not there: fine
      }
      run(['ip', 'netns', 'add', ns]);
    }
    const links = [
      [
        ROUTER_INTERFACES.clientSide,
        LAB_MACS.routerClientSide,
        WIRE_INTERFACES.clientSide,
        LAB_MACS.wireClientSide,
      ],
      [
        ROUTER_INTERFACES.serverSide,
        LAB_MACS.routerServerSide,
        WIRE_INTERFACES.serverSide,
        LAB_MACS.wireServerSide,
      ],
    ] as const;
    for (const [rIf, rMac, wIf, wMac] of links) {
      run([
        'ip',
        'link',
        'add',
        rIf,
        'netns',
        r,
        'address',
        rMac,
        'type',
        'veth',
        'peer',
        'name',
        wIf,
        'netns',
        w,
        'address',
        wMac,
      ]);
    }
    const rsys = (key: string, value: string) =>
      run(['sysctl', '-q', '-w', `${key}=${value}`], { netns: r });
    const wsys = (key: string, value: string) =>
      run(['sysctl', '-q', '-w', `${key}=${value}`], { netns: w });
    wsys('net.ipv6.conf.all.disable_ipv6', '1');
    wsys('net.ipv6.conf.default.disable_ipv6', '1');
    for (const [, , wIf] of links) {
      wsys(`net.ipv6.conf.${wIf}.disable_ipv6`, '1');
      run(['ip', 'link', 'set', wIf, 'up'], { netns: w });
    }
    rsys('net.ipv4.ip_forward', '1');
    rsys('net.ipv6.conf.all.forwarding', '1');
    rsys('net.ipv4.conf.all.send_redirects', '0');
    rsys('net.ipv4.conf.default.send_redirects', '0');
    run(['ip', 'link', 'set', 'lo', 'up'], { netns: r });
    for (const version of [4, 6] as const) {
      const plan = LAB_ADDRESSES[version];
      const addr = (ip: string, dev: string) =>
        run(
          [
            'ip',
            `-${version}`,
            'addr',
            'add',
            `${ip}/${plan.prefix}`,
            'dev',
            dev,
            ...(version === 6 ? ['nodad'] : []),
          ],
          { netns: r },
        );
      addr(plan.routerClientSide, ROUTER_INTERFACES.clientSide);
      addr(plan.routerServerSide, ROUTER_INTERFACES.serverSide);
    }
    for (const [rIf] of links) run(['ip', 'link', 'set', rIf, 'up'], { netns: r });
    // Static neighbours: no ARP/NDP exchange delays the first packet or leaks into the wire.
    for (const version of [4, 6] as const) {
      const plan = LAB_ADDRESSES[version];
      const neigh = (ip: string, dev: string, mac: string) =>
        run(
          [
            'ip',
            `-${version}`,
            'neigh',
            'replace',
            ip,
            'lladdr',
            mac,
            'dev',
            dev,
            'nud',
            'permanent',
          ],
          { netns: r },
        );
      neigh(plan.client, ROUTER_INTERFACES.clientSide, LAB_MACS.wireClientSide);
      for (const ip of [plan.server, plan.vip, ...plan.backends])
        neigh(ip, ROUTER_INTERFACES.serverSide, LAB_MACS.wireServerSide);
    }
  }
}
