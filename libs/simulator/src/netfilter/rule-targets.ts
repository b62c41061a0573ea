import type { RuleTarget } from '@netmortem/domain';
import {
  chooseAddress,
  choosePort,
  describeRange,
  parseNatRange,
  parsePortsRange,
  type CompiledNatRange,
} from './nat-range.js';
import { parseMarkValue, parseU32 } from './match-values.js';
import type {
  Hook,
  NatDecision,
  NatRange,
  PacketHeaders,
  RuleRef,
  TableName,
} from './netfilter-types.js';
import type { MutableMarks, PacketContext } from './packet-context.js';
import { compileReject, type RejectSpec } from './reject-types.js';

export type NatKind = NatDecision['kind'];

export interface NatTarget {
  readonly kind: NatKind;
  readonly range: CompiledNatRange;
  readonly flags: readonly string[];
  readonly hooks: ReadonlySet<Hook>;
  /** The address part of the decision, fixed by the rule (DNAT/SNAT). */
  readonly address: { readonly address?: string; readonly approximate?: string };
  readonly description?: NatRange;
}

export interface TproxyTarget {
  readonly port: number;
  readonly address?: string;
  readonly mark: { value: number; mask: number };
}

/** What a rule does once its matches hold. */
export type RuleAction =
  | { readonly kind: 'continue' }
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump'; readonly chain: string; readonly goto: boolean }
  | { readonly kind: 'reject'; readonly spec: RejectSpec }
  | { readonly kind: 'nat'; readonly target: NatTarget }
  | { readonly kind: 'marks'; readonly apply: (marks: MutableMarks, hasEntry: boolean) => void }
  | { readonly kind: 'notrack'; readonly note?: string }
  | { readonly kind: 'tproxy'; readonly target: TproxyTarget }
  | { readonly kind: 'unsupported'; readonly what: string };

/** Targets that only log or rewrite header fields no verdict depends on. */
const SILENT = new Set([
  'LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'CLASSIFY', 'CHECKSUM', 'IDLETIMER', 'LED',
  'RATEEST', 'DSCP', 'TOS', 'TTL', 'HL', 'ECN', 'SECMARK', 'CONNSECMARK', 'TCPOPTSTRIP',
]); // prettier-ignore

const NAT_HOOKS: Readonly<Record<NatKind, readonly Hook[]>> = {
  DNAT: ['PREROUTING', 'OUTPUT'],
  REDIRECT: ['PREROUTING', 'OUTPUT'],
  SNAT: ['POSTROUTING', 'INPUT'],
  MASQUERADE: ['POSTROUTING'],
};

/** MARK/CONNMARK all reduce to "clear these bits, then flip those": new = (old & ~mask) ^ value. */
function xmark(
  options: Readonly<Record<string, string>>,
): { value: number; mask: number } | string {
  const pick = (key: string) => options[key];
  const xm = pick('set-xmark');
  if (xm !== undefined) return parseMarkValue(xm) ?? `mark "${xm}" is not readable`;
  const set = pick('set-mark');
  if (set !== undefined) {
    const m = parseMarkValue(set);
    // --set-mark v/m zeroes the mask bits then sets v: iptables sends mask | value.
    return m ? { value: m.value, mask: (m.mask | m.value) >>> 0 } : `mark "${set}" is not readable`;
  }
  const and = pick('and-mark');
  if (and !== undefined) {
    const v = parseU32(and);
    return v === undefined ? `mark "${and}" is not readable` : { value: 0, mask: ~v >>> 0 };
  }
  const or = pick('or-mark');
  if (or !== undefined) {
    const v = parseU32(or);
    return v === undefined ? `mark "${or}" is not readable` : { value: v, mask: v };
  }
  const xor = pick('xor-mark');
  if (xor !== undefined) {
    const v = parseU32(xor);
    return v === undefined ? `mark "${xor}" is not readable` : { value: v, mask: 0 };
  }
  return 'no mark operation given';
}

const apply = (old: number, op: { value: number; mask: number }) =>
  ((old & ~op.mask) ^ op.value) >>> 0;

function compileConnmark(options: Readonly<Record<string, string>>): RuleAction {
  const mask = (key: string, fallback: string | undefined) =>
    parseU32(options[key] ?? fallback ?? '0xffffffff');
  if ('save-mark' in options || 'restore-mark' in options) {
    const nfmask = mask('nfmask', options.mask);
    const ctmask = mask('ctmask', options.mask);
    if (nfmask === undefined || ctmask === undefined)
      return { kind: 'unsupported', what: 'CONNMARK masks are not readable' };
    const save = 'save-mark' in options;
    return {
      kind: 'marks',
      apply: (marks, hasEntry) => {
        if (!hasEntry) return;
        if (save) {
          marks.ctmark = ((marks.ctmark & ~ctmask) ^ (marks.mark & nfmask)) >>> 0;
          marks.ctmarkChanged = true;
        } else {
          marks.mark = ((marks.mark & ~nfmask) ^ (marks.ctmark & ctmask)) >>> 0;
          marks.markChanged = true;
        }
      },
    };
  }
  const op = xmark(options);
  if (typeof op === 'string') return { kind: 'unsupported', what: `CONNMARK: ${op}` };
  return {
    kind: 'marks',
    apply: (marks, hasEntry) => {
      if (!hasEntry) return;
      marks.ctmark = apply(marks.ctmark, op);
      marks.ctmarkChanged = true;
    },
  };
}

function compileNat(
  kind: NatKind,
  options: Readonly<Record<string, string>>,
  family: 4 | 6,
): RuleAction {
  const flags = ['random', 'random-fully', 'persistent'].filter((f) => f in options);
  let range: CompiledNatRange | undefined;
  if (kind === 'DNAT' || kind === 'SNAT') {
    const text = options[kind === 'DNAT' ? 'to-destination' : 'to-source'];
    range = text === undefined ? undefined : parseNatRange(text, family);
    if (!range)
      return { kind: 'unsupported', what: `${kind} ${text ?? 'without a range'} is not readable` };
  } else {
    const ports = options['to-ports'];
    range = ports === undefined ? {} : parsePortsRange(ports);
    if (!range) return { kind: 'unsupported', what: `${kind} --to-ports ${ports} is not readable` };
  }
  const description = describeRange(range);
  return {
    kind: 'nat',
    target: {
      kind,
      range,
      flags,
      hooks: new Set(NAT_HOOKS[kind]),
      address: kind === 'DNAT' || kind === 'SNAT' ? chooseAddress(range) : {},
      ...(description ? { description } : {}),
    },
  };
}

/** Compiles a rule's target; `table` and `family` decide which targets are legal and how they read. */
export function compileTarget(
  target: RuleTarget | undefined,
  table: TableName,
  family: 4 | 6,
): RuleAction {
  if (!target) return { kind: 'continue' };
  const { name, options } = target;
  if (target.kind === 'jump' || target.kind === 'goto')
    return { kind: 'jump', chain: name, goto: target.kind === 'goto' };
  switch (name) {
    case 'ACCEPT':
      return { kind: 'accept' };
    case 'DROP':
      return { kind: 'drop' };
    case 'RETURN':
      return { kind: 'return' };
    case 'CONTINUE':
      return { kind: 'continue' };
    case 'REJECT': {
      const spec = compileReject(options['reject-with'], family);
      return spec
        ? { kind: 'reject', spec }
        : {
            kind: 'unsupported',
            what: `REJECT --reject-with ${options['reject-with']} is not an IPv${family} reject type`,
          };
    }
    case 'DNAT':
    case 'SNAT':
    case 'MASQUERADE':
    case 'REDIRECT':
      if (table !== 'nat') return { kind: 'unsupported', what: `${name} outside the nat table` };
      return compileNat(name, options, family);
    case 'MARK': {
      const op = xmark(options);
      if (typeof op === 'string') return { kind: 'unsupported', what: `MARK: ${op}` };
      return {
        kind: 'marks',
        apply: (marks) => {
          marks.mark = apply(marks.mark, op);
          marks.markChanged = true;
        },
      };
    }
    case 'CONNMARK':
      return compileConnmark(options);
    case 'NOTRACK':
      return { kind: 'notrack' };
    case 'CT': {
      const others = Object.keys(options).filter((k) => k !== 'notrack');
      if ('notrack' in options)
        return {
          kind: 'notrack',
          ...(others.length
            ? { note: `CT ${others.map((k) => `--${k}`).join(' ')} not modelled` }
            : {}),
        };
      return {
        kind: 'unsupported',
        what: `CT ${others.map((k) => `--${k} ${options[k] ?? ''}`.trim()).join(' ')} (zones, helpers, timeouts) not modelled: assumed no effect`,
      };
    }
    case 'TPROXY': {
      const port = Number(options['on-port'] ?? 'NaN');
      const mark =
        options['tproxy-mark'] === undefined
          ? { value: 0, mask: 0 }
          : parseMarkValue(options['tproxy-mark']);
      if (!Number.isInteger(port) || !mark)
        return { kind: 'unsupported', what: 'TPROXY options are not readable' };
      const ip = options['on-ip'];
      const unspecified = ip === undefined || ip === '0.0.0.0' || ip === '::';
      return { kind: 'tproxy', target: { port, mark, ...(unspecified ? {} : { address: ip }) } };
    }
    default:
      if (SILENT.has(name)) return { kind: 'continue' };
      return {
        kind: 'unsupported',
        what: `target ${name} is not modelled: assumed no effect (traversal continues)`,
      };
  }
}

/** The translation a NAT target gives this packet; undefined address/port stay as they are. */
export function natDecision(target: NatTarget, ctx: PacketContext, rule: RuleRef): NatDecision {
  const packet: PacketHeaders = ctx.packet;
  const notes: string[] = [];
  let address: string | undefined;
  const destination = target.kind === 'DNAT' || target.kind === 'REDIRECT';
  const portChoice = choosePort(target.range, destination ? packet.dstPort : packet.srcPort);
  const port = portChoice.port;
  if (portChoice.approximate) notes.push(portChoice.approximate);
  if (target.kind === 'DNAT' || target.kind === 'SNAT') {
    address = target.address.address;
    if (target.address.approximate) notes.push(target.address.approximate);
  } else if (target.kind === 'REDIRECT') {
    if (ctx.hook === 'OUTPUT') address = packet.family === 4 ? '127.0.0.1' : '::1';
    else {
      address = packet.inIface
        ? ctx.env.interfaceAddress?.(packet.inIface, packet.family)
        : undefined;
      const iface = packet.inIface ?? 'the incoming interface';
      if (address === undefined && ctx.isLocal(ctx.dst)) {
        // In a pod's namespace the address the packet was sent to is usually the interface's only one.
        address = packet.dst;
        notes.push(
          `REDIRECT: primary address of ${iface} unknown, the packet's own local destination stands in`,
        );
      } else if (address === undefined) {
        notes.push(
          `REDIRECT: primary address of ${iface} unknown (the kernel drops the packet if it has none)`,
        );
      }
    }
  } else {
    address = packet.outIface
      ? ctx.env.interfaceAddress?.(packet.outIface, packet.family)
      : undefined;
    if (address === undefined)
      notes.push(`MASQUERADE: address of ${packet.outIface ?? 'the outgoing interface'} unknown`);
  }
  const range = target.description;
  // Plain assignments, not spreads: this runs for every NAT decision and every alternative.
  const to: { address?: string; port?: number } = {};
  if (address !== undefined) to.address = address;
  if (port !== undefined) to.port = port;
  const decision: { -readonly [K in keyof NatDecision]: NatDecision[K] } = {
    kind: target.kind,
    rule,
    to,
  };
  if (range) decision.range = range;
  if (target.flags.length) decision.flags = target.flags;
  if (notes.length) decision.approximate = notes.join('; ');
  return decision;
}

/** TPROXY: a transparent redirect to a local socket, plus the mark policy routing needs. */
export function tproxyDecision(
  target: TproxyTarget,
  ctx: PacketContext,
  rule: RuleRef,
): NatDecision {
  const packet = ctx.packet;
  // An unspecified --on-ip means the incoming interface's address, else the packet's own destination.
  const address =
    target.address ??
    (packet.inIface ? ctx.env.interfaceAddress?.(packet.inIface, packet.family) : undefined) ??
    packet.dst;
  return {
    kind: 'REDIRECT',
    rule,
    tproxy: true,
    to: { address, port: target.port === 0 ? packet.dstPort : target.port },
    approximate:
      'TPROXY: assumed a transparent socket accepts the packet (the kernel drops it otherwise)',
  };
}

export function applyTproxyMark(target: TproxyTarget, marks: MutableMarks): void {
  if (target.mark.mask === 0 && target.mark.value === 0) return;
  marks.mark = apply(marks.mark, target.mark);
  marks.markChanged = true;
}
