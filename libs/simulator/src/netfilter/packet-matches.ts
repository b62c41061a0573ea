import {
  parseAddressPrefix,
  parseIpAddress,
  compareIpAddress,
  prefixContains,
  type IpAddress,
} from './ip-address.js';
import {
  allOf,
  assumed,
  negate,
  type CompiledMatch,
  type MatchCompileEnv,
  type MatchTest,
  type ModuleInstance,
} from './match-types.js';
import {
  compileInterfaceMatcher,
  inPortRanges,
  parseIcmpType,
  parseNumberRange,
  parsePortList,
  parsePortRange,
  parseTcpFlags,
  PORT_PROTOCOLS,
  protocolNumber,
  SYN_FLAGS,
} from './match-values.js';
import type { PacketContext } from './packet-context.js';

/** Compiles each option with its own negation and ANDs them; the first unreadable one wins. */
export function compileOptions(
  instance: ModuleInstance,
  option: (key: string, value: string) => MatchTest | string,
): { test: MatchTest } | { unsupported: string } {
  const tests: MatchTest[] = [];
  for (const [key, { value, negated }] of instance.options) {
    const compiled = option(key, value);
    if (typeof compiled === 'string') return { unsupported: compiled };
    tests.push(negate(compiled, negated));
  }
  return { test: allOf(tests) };
}

function toStep(
  result: { test: MatchTest } | { unsupported: string },
  precondition?: MatchTest,
): CompiledMatch {
  if ('unsupported' in result) return result;
  const test = result.test;
  return { kind: 'test', test: precondition ? (ctx) => precondition(ctx) && test(ctx) : test };
}

const unknownOption = (module: string, key: string, value: string) =>
  `-m ${module} --${key}${value ? ` ${value}` : ''} is not modelled`;

function addressList(
  text: string,
  family: 4 | 6,
): ((a: IpAddress | undefined) => boolean) | string {
  const prefixes = text.split(',').map((p) => parseAddressPrefix(p.trim()));
  if (prefixes.some((p) => !p || p.family !== family))
    return `address "${text}" is not an IPv${family} address or prefix (host names are not resolved)`;
  const list = prefixes.filter((p) => p !== undefined);
  const [only] = list;
  if (list.length === 1 && only) return (a) => a !== undefined && prefixContains(only, a);
  return (a) => a !== undefined && list.some((p) => prefixContains(p, a));
}

/** -p, -s, -d, -i, -o, -f. */
export function compileIpMatch(instance: ModuleInstance, env: MatchCompileEnv): CompiledMatch {
  return toStep(
    compileOptions(instance, (key, value) => {
      switch (key) {
        case 'protocol': {
          const number = protocolNumber(value);
          if (number === undefined) return `protocol "${value}" is not known`;
          if (number === 0) return () => true;
          return (ctx) => ctx.packet.protocol === number;
        }
        case 'source':
        case 'destination': {
          const test = addressList(value, env.family);
          if (typeof test === 'string') return test;
          return key === 'source' ? (ctx) => test(ctx.src) : (ctx) => test(ctx.dst);
        }
        case 'in-interface': {
          const m = compileInterfaceMatcher(value);
          return (ctx) => m(ctx.packet.inIface);
        }
        case 'out-interface': {
          const m = compileInterfaceMatcher(value);
          return (ctx) => m(ctx.packet.outIface);
        }
        case 'fragment':
          return (ctx) => ctx.packet.fragment === true;
        default:
          return unknownOption('ip', key, value);
      }
    }),
  );
}

const PORT_MODULES: Readonly<Record<string, number>> = {
  tcp: 6, udp: 17, udplite: 136, sctp: 132, dccp: 33, '6': 6, '17': 17,
}; // prettier-ignore

/** tcp / udp / sctp / dccp / udplite: ports, and TCP flags. */
export function compilePortMatch(instance: ModuleInstance): CompiledMatch {
  const protocol = PORT_MODULES[instance.module] ?? -1;
  const module = instance.module;
  const result = compileOptions(instance, (key, value) => {
    switch (key) {
      case 'sport':
      case 'source-port':
      case 'dport':
      case 'destination-port': {
        const range = parsePortRange(value);
        if (!range) return `port "${value}" is not readable`;
        const { min, max } = range;
        return key.startsWith('s')
          ? (ctx) => ctx.packet.srcPort >= min && ctx.packet.srcPort <= max
          : (ctx) => ctx.packet.dstPort >= min && ctx.packet.dstPort <= max;
      }
      case 'tcp-flags':
      case 'syn': {
        if (protocol !== 6) return unknownOption(module, key, value);
        const flags = key === 'syn' ? SYN_FLAGS : parseTcpFlags(value);
        if (!flags) return `tcp flags "${value}" are not readable`;
        const { mask, comp } = flags;
        return (ctx) => (ctx.packet.tcpFlags & mask) === comp;
      }
      default:
        return unknownOption(module, key, value);
    }
  });
  // The module reads the transport header: a non-first fragment or another protocol fails.
  return toStep(result, (ctx) => ctx.packet.protocol === protocol && ctx.packet.fragment !== true);
}

export function compileMultiportMatch(instance: ModuleInstance): CompiledMatch {
  return toStep(
    compileOptions(instance, (key, value) => {
      const ranges = parsePortList(value);
      if (!ranges) return `multiport list "${value}" is not readable`;
      switch (key) {
        case 'dports':
        case 'destination-ports':
          return (ctx) => inPortRanges(ranges, ctx.packet.dstPort);
        case 'sports':
        case 'source-ports':
          return (ctx) => inPortRanges(ranges, ctx.packet.srcPort);
        case 'ports':
          return (ctx) =>
            inPortRanges(ranges, ctx.packet.srcPort) || inPortRanges(ranges, ctx.packet.dstPort);
        default:
          return unknownOption('multiport', key, value);
      }
    }),
    (ctx) => PORT_PROTOCOLS.has(ctx.packet.protocol) && ctx.packet.fragment !== true,
  );
}

export function compileIcmpMatch(instance: ModuleInstance): CompiledMatch {
  const family = instance.module === 'icmp' ? 4 : 6;
  const protocol = family === 4 ? 1 : 58;
  return toStep(
    compileOptions(instance, (key, value) => {
      if (key !== 'icmp-type' && key !== 'icmpv6-type')
        return unknownOption(instance.module, key, value);
      const type = parseIcmpType(value, family);
      if (!type) return `ICMP type "${value}" is not known`;
      if (type.type < 0) return () => true;
      return assumedIfUnknownIcmp((ctx) => {
        if (ctx.packet.icmpType !== type.type) return false;
        return type.code === undefined || ctx.packet.icmpCode === type.code;
      });
    }),
    (ctx) => ctx.packet.protocol === protocol,
  );
}

function assumedIfUnknownIcmp(test: MatchTest): MatchTest {
  return (ctx) => {
    if (ctx.packet.icmpType === undefined) {
      if (!ctx.dry) ctx.notes.push('ICMP type of the packet unknown: assumed not to match');
      return false;
    }
    return test(ctx);
  };
}

export function compileIprangeMatch(instance: ModuleInstance, env: MatchCompileEnv): CompiledMatch {
  return toStep(
    compileOptions(instance, (key, value) => {
      if (key !== 'src-range' && key !== 'dst-range') return unknownOption('iprange', key, value);
      const dash = value.indexOf('-');
      const from = parseIpAddress(dash >= 0 ? value.slice(0, dash) : value);
      const to = dash >= 0 ? parseIpAddress(value.slice(dash + 1)) : from;
      if (!from || !to || from.family !== env.family || to.family !== env.family)
        return `address range "${value}" is not readable`;
      const inRange = (a: IpAddress | undefined) =>
        a !== undefined &&
        a.family === from.family &&
        compareIpAddress(a, from) >= 0 &&
        compareIpAddress(a, to) <= 0;
      return key === 'src-range' ? (ctx) => inRange(ctx.src) : (ctx) => inRange(ctx.dst);
    }),
  );
}

export function compileLengthMatch(instance: ModuleInstance): CompiledMatch {
  return toStep(
    compileOptions(instance, (key, value) => {
      if (key !== 'length') return unknownOption('length', key, value);
      const range = parsePortRange(value);
      if (!range) return `length "${value}" is not readable`;
      return (ctx) => {
        const length = ctx.packet.length;
        if (length === undefined) {
          if (!ctx.dry) ctx.notes.push('packet length unknown: -m length assumed not to match');
          return false;
        }
        return length >= range.min && length <= range.max;
      };
    }),
  );
}

function isMulticast(a: IpAddress | undefined): boolean {
  if (!a) return false;
  const w = a.words[0] ?? 0;
  return a.family === 4 ? w >>> 28 === 0xe : w >>> 24 === 0xff;
}

function isBroadcast(a: IpAddress | undefined): boolean {
  return a?.family === 4 && a.words[0] === 0xffffffff;
}

function isUnspecified(a: IpAddress | undefined): boolean {
  return a !== undefined && a.words.every((w) => w === 0);
}

/**
 * Route types as the kernel's routing tables would give them. Known here: LOCAL (the host's
 * addresses and loopback), MULTICAST, BROADCAST (limited broadcast only), UNSPEC, and
 * UNICAST for everything else; the rest need the routing table and are reported.
 */
const ADDRESS_TYPES: Readonly<
  Record<string, (ctx: PacketContext, a: IpAddress | undefined) => boolean>
> = {
  LOCAL: (ctx, a) => ctx.isLocal(a),
  MULTICAST: (_ctx, a) => isMulticast(a),
  BROADCAST: (_ctx, a) => isBroadcast(a),
  UNSPEC: (_ctx, a) => isUnspecified(a),
  UNICAST: (ctx, a) => !ctx.isLocal(a) && !isMulticast(a) && !isBroadcast(a) && !isUnspecified(a),
};

export function compileAddrtypeMatch(instance: ModuleInstance): CompiledMatch {
  const limited = instance.options.has('limit-iface-in') || instance.options.has('limit-iface-out');
  const result = compileOptions(instance, (key, value) => {
    if (key === 'limit-iface-in' || key === 'limit-iface-out') return () => true;
    if (key !== 'src-type' && key !== 'dst-type') return unknownOption('addrtype', key, value);
    const types = value.split(',').map((t) => t.trim().toUpperCase());
    const tests = types.map((t) => ADDRESS_TYPES[t]);
    if (tests.some((t) => !t))
      return `address type "${value}" needs the routing table: not modelled`;
    const list = tests.filter((t) => t !== undefined);
    return key === 'src-type'
      ? (ctx) => list.some((t) => t(ctx, ctx.src))
      : (ctx) => list.some((t) => t(ctx, ctx.dst));
  });
  if ('unsupported' in result || !limited) return toStep(result);
  return toStep({
    test: assumed(
      result.test,
      'addrtype --limit-iface-in/out: the address is checked against all local addresses, not only that interface',
    ),
  });
}

export function compilePkttypeMatch(instance: ModuleInstance): CompiledMatch {
  return toStep(
    compileOptions(instance, (key, value) => {
      if (key !== 'pkt-type') return unknownOption('pkttype', key, value);
      const kind = value.toLowerCase();
      const classify = (ctx: PacketContext) =>
        isBroadcast(ctx.dst) ? 'broadcast' : isMulticast(ctx.dst) ? 'multicast' : 'unicast';
      if (kind === 'unicast' || kind === 'broadcast' || kind === 'multicast' || kind === 'host')
        return (ctx) => classify(ctx) === (kind === 'host' ? 'unicast' : kind);
      return `packet type "${value}" is not modelled`;
    }),
  );
}

/**
 * Bridge ports are known only for bridged packets; otherwise, as in the kernel, each option
 * holds only when it is negated.
 */
export function compilePhysdevMatch(instance: ModuleInstance): CompiledMatch {
  const parts: MatchTest[] = [];
  for (const [key, { value, negated }] of instance.options) {
    let test: MatchTest;
    if (key === 'physdev-in' || key === 'physdev-out') {
      const m = compileInterfaceMatcher(value);
      test =
        key === 'physdev-in'
          ? (ctx) => m(ctx.packet.physInIface)
          : (ctx) => m(ctx.packet.physOutIface);
    } else if (key === 'physdev-is-bridged') test = () => true;
    else if (key === 'physdev-is-in') test = (ctx) => ctx.packet.physInIface !== undefined;
    else if (key === 'physdev-is-out') test = (ctx) => ctx.packet.physOutIface !== undefined;
    else return { unsupported: unknownOption('physdev', key, value) };
    parts.push((ctx) => (ctx.packet.bridged === true ? test(ctx) !== negated : negated));
  }
  return { kind: 'test', test: allOf(parts) };
}

/**
 * Socket owner, only known for locally generated packets (OUTPUT, POSTROUTING). Without a
 * socket each option holds only when negated, as in the kernel. A packet whose uid the
 * caller does not know is taken as sent by some other user, and the assumption is reported.
 */
export function compileOwnerMatch(instance: ModuleInstance): CompiledMatch {
  const parts: MatchTest[] = [];
  for (const [key, { value, negated }] of instance.options) {
    let test: (ctx: PacketContext) => boolean;
    if (key === 'uid-owner' || key === 'gid-owner') {
      const range = parseNumberRange(value);
      if (!range)
        return { unsupported: `-m owner --${key} ${value}: user and group names are not resolved` };
      const field = key === 'uid-owner' ? 'uid' : 'gid';
      test = (ctx) => {
        const id = ctx.packet[field];
        if (id === undefined) {
          if (!ctx.dry)
            ctx.notes.push(
              `owner: the packet's ${field} is unknown, assumed another user's socket`,
            );
          return false;
        }
        return id >= range.min && id <= range.max;
      };
    } else if (key === 'socket-exists') test = () => true;
    else if (key === 'suppl-groups') {
      test = (ctx) => {
        if (!ctx.dry)
          ctx.notes.push(
            'owner --suppl-groups: supplementary groups unknown, only the gid is compared',
          );
        return true;
      };
    } else return { unsupported: unknownOption('owner', key, value) };
    parts.push((ctx) => {
      // A packet that came in on an interface and reaches POSTROUTING was forwarded: no socket.
      const local =
        ctx.hook === 'OUTPUT' || (ctx.hook === 'POSTROUTING' && ctx.packet.inIface === undefined);
      if (!local || ctx.packet.socketless === true) return negated;
      return test(ctx) !== negated;
    });
  }
  return { kind: 'test', test: allOf(parts) };
}

/** `-m socket`: needs the host's sockets, which the environment may look up. */
export function compileSocketMatch(instance: ModuleInstance): CompiledMatch {
  const transparent = instance.options.has('transparent');
  const nowildcard = instance.options.has('nowildcard');
  for (const key of instance.options.keys())
    if (key !== 'transparent' && key !== 'nowildcard' && key !== 'restore-skmark')
      return { unsupported: unknownOption('socket', key, '') };
  const restore = instance.options.has('restore-skmark');
  return {
    kind: 'test',
    test: (ctx) => {
      const lookup = ctx.env.findSocket;
      if (!lookup) {
        if (!ctx.dry)
          ctx.notes.push('-m socket: no socket lookup available, assumed no socket (no match)');
        return false;
      }
      const socket = lookup(ctx.packet);
      if (!socket || (nowildcard && socket.wildcard) || (transparent && !socket.transparent))
        return false;
      if (restore && socket.mark !== undefined) {
        ctx.mark = socket.mark;
        ctx.markChanged = true;
      }
      return true;
    },
  };
}
