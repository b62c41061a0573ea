import type { ChildProcess } from 'node:child_process';
import { run, runAsync } from '../../shell/run-command.js';

/** One end of a veth pair: the namespace role it lives in, its name there, its addresses (CIDR). */
export interface LinkEnd {
  readonly ns: string;
  readonly dev: string;
  readonly addresses?: readonly string[];
  /** A bridge (from `bridges`) in the same namespace to enslave this end to. */
  readonly master?: string;
}

/** A Linux bridge in one namespace: several veths on one segment, the bridge holds the address. */
export interface BridgeSpec {
  readonly ns: string;
  readonly name: string;
  readonly addresses?: readonly string[];
}

export interface LinkSpec {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
}

export interface RouteSpec {
  readonly ns: string;
  /** `default` or a CIDR. */
  readonly to: string;
  readonly via?: string;
  readonly dev?: string;
}

export interface TopologySpec {
  /** Roles, e.g. `client`, `router`, `server`; each becomes the namespace `<prefix>-<role>`. */
  readonly namespaces: readonly string[];
  readonly links: readonly LinkSpec[];
  readonly bridges?: readonly BridgeSpec[];
  readonly routes?: readonly RouteSpec[];
  /** Roles that forward IPv4 between their links. */
  readonly forwarding?: readonly string[];
  /** Per role, sysctls set after the links exist (conntrack timeouts are per namespace). */
  readonly sysctls?: Readonly<Record<string, Readonly<Record<string, string | number>>>>;
  /** Keep IPv6 on (off by default: router solicitations would only add noise to captures). */
  readonly ipv6?: boolean;
}

/** A topology was described wrongly (unknown role, bad name). */
export class LabTopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabTopologyError';
  }
}

const ROLE = /^[a-z][a-z0-9]{0,11}$/;
const DEVICE = /^[a-zA-Z][\w.-]{0,14}$/;

/**
 * Network namespaces joined by veth pairs, built from a spec and always taken down again:
 * `close()` on success or failure, and a process 'exit' hook for the rest (a crash, Ctrl-C
 * turned into exit by the caller). Processes started in the namespaces are registered with
 * `track()` and killed first, since a process inside keeps a deleted namespace alive.
 */
export class LabTopology {
  private readonly names = new Map<string, string>();
  private readonly children = new Set<ChildProcess>();
  private closed = false;
  private readonly onExit = (): void => this.close();

  private constructor(readonly prefix: string) {}

  static create(prefix: string, spec: TopologySpec): LabTopology {
    if (!/^nmlab-[a-z0-9-]+$/.test(prefix))
      throw new LabTopologyError(`lab namespaces must be named nmlab-*, not ${prefix}`);
    const lab = new LabTopology(prefix);
    process.once('exit', lab.onExit);
    try {
      lab.build(spec);
    } catch (error) {
      lab.close();
      throw error;
    }
    return lab;
  }

  /** The namespace name of a role. */
  ns(role: string): string {
    const name = this.names.get(role);
    if (name === undefined)
      throw new LabTopologyError(`no namespace "${role}" in lab ${this.prefix}`);
    return name;
  }

  get roles(): string[] {
    return [...this.names.keys()];
  }

  /** Runs a command to completion in a role's namespace; returns stdout. */
  run(role: string, argv: readonly string[], input?: string): string {
    return run(argv, { netns: this.ns(role), ...(input === undefined ? {} : { input }) });
  }

  runAsync(role: string, argv: readonly string[]): Promise<string> {
    return runAsync(argv, { netns: this.ns(role) });
  }

  sysctl(role: string, key: string, value: string | number): void {
    this.run(role, ['sysctl', '-q', '-w', `${key}=${value}`]);
  }

  /** Loads an `iptables-save`-format ruleset (`*nat … COMMIT`) into a role's namespace. */
  iptablesRestore(role: string, rules: string, family: 4 | 6 = 4): void {
    const text = rules.endsWith('\n') ? rules : `${rules}\n`;
    this.run(role, [family === 4 ? 'iptables-restore' : 'ip6tables-restore'], text);
  }

  /** Registers a process running in a namespace so that close() ends it. */
  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  /** Kills tracked processes and deletes the namespaces (and so the veth pairs); safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    for (const child of this.children) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    this.children.clear();
    for (const name of this.names.values()) {
      try {
        run(['ip', 'netns', 'del', name]);
      } catch {
        // already gone
      }
    }
  }

  private build(spec: TopologySpec): void {
    for (const role of spec.namespaces) {
      if (!ROLE.test(role)) throw new LabTopologyError(`bad namespace role "${role}"`);
      const name = `${this.prefix}-${role}`;
      run(['ip', 'netns', 'add', name]);
      this.names.set(role, name);
      this.run(role, ['ip', 'link', 'set', 'lo', 'up']);
      if (spec.ipv6 !== true) {
        this.sysctl(role, 'net.ipv6.conf.all.disable_ipv6', 1);
        this.sysctl(role, 'net.ipv6.conf.default.disable_ipv6', 1);
      }
    }
    for (const bridge of spec.bridges ?? []) this.addBridge(bridge);
    for (const { a, b } of spec.links) this.addLink(a, b);
    for (const role of spec.forwarding ?? []) {
      this.sysctl(role, 'net.ipv4.ip_forward', 1);
      this.sysctl(role, 'net.ipv4.conf.all.send_redirects', 0);
      this.sysctl(role, 'net.ipv4.conf.default.send_redirects', 0);
    }
    for (const route of spec.routes ?? []) {
      const argv = ['ip', 'route', 'add', route.to];
      if (route.via !== undefined) argv.push('via', route.via);
      if (route.dev !== undefined) argv.push('dev', route.dev);
      this.run(route.ns, argv);
    }
    for (const [role, values] of Object.entries(spec.sysctls ?? {}))
      for (const [key, value] of Object.entries(values)) this.sysctl(role, key, value);
  }

  private addBridge(bridge: BridgeSpec): void {
    if (!DEVICE.test(bridge.name)) throw new LabTopologyError(`bad bridge name "${bridge.name}"`);
    this.run(bridge.ns, ['ip', 'link', 'add', 'name', bridge.name, 'type', 'bridge']);
    for (const address of bridge.addresses ?? [])
      this.run(bridge.ns, ['ip', 'addr', 'add', address, 'dev', bridge.name]);
    this.run(bridge.ns, ['ip', 'link', 'set', bridge.name, 'up']);
  }

  private addLink(a: LinkEnd, b: LinkEnd): void {
    for (const end of [a, b])
      if (!DEVICE.test(end.dev)) throw new LabTopologyError(`bad device name "${end.dev}"`);
    run([
      'ip',
      'link',
      'add',
      a.dev,
      'netns',
      this.ns(a.ns),
      'type',
      'veth',
      'peer',
      'name',
      b.dev,
      'netns',
      this.ns(b.ns),
    ]);
    for (const end of [a, b]) {
      // veth hands tcpdump 64 KB super-segments unless segmentation happens before it:
      // captures should show the segments a real NIC would put on the wire.
      this.run(end.ns, ['ip', 'link', 'set', end.dev, 'gso_max_size', '1500', 'gso_max_segs', '1']);
      for (const address of end.addresses ?? [])
        this.run(end.ns, ['ip', 'addr', 'add', address, 'dev', end.dev]);
      if (end.master !== undefined)
        this.run(end.ns, ['ip', 'link', 'set', end.dev, 'master', end.master]);
      this.run(end.ns, ['ip', 'link', 'set', end.dev, 'up']);
    }
  }
}
