import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Ruleset } from '@netmortem/domain';
import { collectBundleEvidence } from '@netmortem/evidence';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tuple } from '../model/index.js';
import { TABLE_HOOKS } from './compiled-table.js';
import {
  FlowReads,
  FlowVerdictCache,
  flowReadsOf,
  isFlowStableRule,
} from './flow-verdict-cache.js';
import type {
  ChainResult,
  ConntrackView,
  EvaluationEnvironment,
  Hook,
  PacketHeaders,
  TableName,
} from './netfilter-types.js';
import { RulesetEvaluator } from './ruleset-evaluator.js';

const fixtures = new URL('./__fixtures__/', import.meta.url);
const DUMPS = readdirSync(fixtures).filter((f) => f.endsWith('.txt'));

async function load(file: string): Promise<{ ruleset: Ruleset; text: string }> {
  const bytes = readFileSync(new URL(file, fixtures));
  const evidence = await collectBundleEvidence([
    {
      path: file,
      sizeBytes: bytes.length,
      kind: 'iptables-save',
      open: () => Promise.resolve(Readable.from([bytes])),
    },
  ]);
  const [ruleset] = evidence.rulesets;
  if (!ruleset) throw new Error(`${file} gave no ruleset`);
  return { ruleset, text: bytes.toString('utf8') };
}

/** mulberry32: the same draws on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function environment(seed: number, family: 4 | 6): EvaluationEnvironment {
  return {
    localAddresses: new Set(family === 4 ? ['192.168.1.10', '10.244.0.1'] : ['fd00:1::10']),
    interfaceAddress: (iface) => (iface === 'eth0' ? '192.168.1.10' : undefined),
    random: prng(seed),
  };
}

/** Addresses and ports the dump itself names, so generated packets reach its rules. */
function vocabulary(text: string, family: 4 | 6): { addresses: string[]; ports: number[] } {
  const addresses =
    family === 4
      ? [...new Set(text.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [])]
      : [...new Set(text.match(/\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/gi) ?? [])];
  const ports = [
    ...new Set(
      (text.match(/--(?:dport|sport|dports) (\d+)/g) ?? []).map((m) => Number(m.split(' ')[1])),
    ),
  ];
  const localish =
    family === 4
      ? ['192.168.1.10', '10.244.0.1', '127.0.0.1', '8.8.8.8']
      : ['fd00:1::10', '::1', '2001:db8::1'];
  return {
    addresses: [...addresses.slice(0, 60), ...localish],
    ports: [...ports.slice(0, 30), 80, 443, 53, 40000],
  };
}

const FLAGS = [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01];
const CTINFOS: ConntrackView['ctinfo'][] = [
  'NEW',
  'ESTABLISHED',
  'RELATED',
  'INVALID',
  'UNTRACKED',
];
const MARKS = [0, 0x4000, 0x1, 0x8000];
const IFACES = [undefined, 'eth0', 'cni0', 'lo'];

interface Flow {
  readonly family: 4 | 6;
  readonly original: Tuple;
  readonly reply: Tuple;
  readonly inIface: string | undefined;
  readonly outIface: string | undefined;
  readonly cache: FlowVerdictCache;
}

function newFlow(random: () => number, family: 4 | 6, words: ReturnType<typeof vocabulary>): Flow {
  const original: Tuple = {
    protocol: pick(random, [6, 6, 6, 17]),
    src: pick(random, words.addresses),
    dst: pick(random, words.addresses),
    srcPort: random() < 0.5 ? pick(random, words.ports) : 20_000 + Math.floor(random() * 40_000),
    dstPort: pick(random, words.ports),
  };
  const natted = random() < 0.4;
  const reply: Tuple = natted
    ? {
        ...original,
        src: pick(random, words.addresses),
        dst: original.src,
        srcPort: 8080,
        dstPort: original.srcPort,
      }
    : {
        ...original,
        src: original.dst,
        dst: original.src,
        srcPort: original.dstPort,
        dstPort: original.srcPort,
      };
  return {
    family,
    original,
    reply,
    inIface: pick(random, IFACES),
    outIface: pick(random, IFACES),
    cache: new FlowVerdictCache(),
  };
}

/** One packet of a flow: constant per-flow parts, and per-packet parts drawn from small sets. */
function packetOf(
  flow: Flow,
  random: () => number,
): { headers: PacketHeaders; view: ConntrackView } {
  const reply = random() < 0.4;
  const t = reply ? flow.reply : flow.original;
  const natted = flow.reply.src !== flow.original.dst;
  const headers: PacketHeaders = {
    family: flow.family,
    protocol: t.protocol,
    src: t.src,
    dst: t.dst,
    srcPort: t.srcPort,
    dstPort: t.dstPort,
    tcpFlags: t.protocol === 6 ? pick(random, FLAGS) : 0,
    inIface: flow.inIface,
    outIface: flow.outIface,
    length: 40 + Math.floor(random() * 1400),
  };
  const ctinfo = random() < 0.7 ? 'ESTABLISHED' : pick(random, CTINFOS);
  const view: ConntrackView = {
    ctinfo,
    direction: reply ? 'reply' : 'original',
    assured: random() < 0.5,
    seenReply: random() < 0.7,
    dnat: natted,
    snat: false,
    mark: random() < 0.8 ? 0 : pick(random, MARKS),
    original: flow.original,
    reply: flow.reply,
    confirmed: random() < 0.9,
  };
  return { headers, view };
}

describe('isFlowStableRule / flowReadsOf', () => {
  const m = (module: string, options: Record<string, string> = {}) => ({ module, options });

  it('keeps per-packet, random, counting and timed matches out of the cache', () => {
    expect(
      isFlowStableRule([m('ip', { destination: '10.0.0.1' }), m('conntrack', { ctstate: 'NEW' })]),
    ).toBe(true);
    expect(isFlowStableRule([m('statistic', { mode: 'random', probability: '0.5' })])).toBe(false);
    expect(isFlowStableRule([m('length', { length: '0:100' })])).toBe(false);
    expect(isFlowStableRule([m('limit', { limit: '5/sec' })])).toBe(false);
    expect(isFlowStableRule([m('conntrack', { ctexpire: '10:20' })])).toBe(false);
    expect(isFlowStableRule([m('socket')])).toBe(false);
    expect(isFlowStableRule([m('u32', { u32: '0>>22&0x3C@0>>16=0x50' })])).toBe(false);
  });

  it('keys on TCP flags and conntrack status only when a match reads them', () => {
    expect(flowReadsOf([m('tcp', { dport: '80' })])).toBe(0);
    expect(flowReadsOf([m('tcp', { syn: '' })])).toBe(FlowReads.TcpFlags);
    expect(flowReadsOf([m('tcp', { 'tcp-flags': 'SYN,RST SYN' })])).toBe(FlowReads.TcpFlags);
    expect(flowReadsOf([m('conntrack', { ctstatus: 'ASSURED' })])).toBe(FlowReads.CtStatus);
    expect(flowReadsOf([m('conntrack', { ctstate: 'NEW' })])).toBe(0);
  });
});

describe('RulesetEvaluator.runForFlow on the real dumps', () => {
  const loaded = new Map<string, { ruleset: Ruleset; text: string }>();
  beforeAll(async () => {
    for (const dump of DUMPS) loaded.set(dump, await load(dump));
  });

  it.each(DUMPS)('%s: cached runs equal full walks, packet after packet', (dump) => {
    const { ruleset, text } = loaded.get(dump)!;
    const family: 4 | 6 = dump.startsWith('ip6') ? 6 : 4;
    const words = vocabulary(text, family);
    // Same seed for both: uncached chains draw the same statistic values in both evaluators.
    const plain = new RulesetEvaluator([ruleset], environment(11, family));
    const cached = new RulesetEvaluator([ruleset], environment(11, family));
    const random = prng(dump.length * 7919);
    const flows = Array.from({ length: 40 }, () => newFlow(random, family, words));
    const seen = new Set<ChainResult>();
    let cacheable = 0;
    let hits = 0;
    for (let i = 0; i < 4000; i++) {
      const flow = pick(random, flows);
      const table = pick(random, ['filter', 'mangle', 'raw', 'nat'] as TableName[]);
      const hook = pick(random, TABLE_HOOKS[table] as Hook[]);
      const { headers, view } = packetOf(flow, random);
      const expected = plain.run(table, hook, headers, view);
      const got = cached.runForFlow(table, hook, headers, view, flow.cache);
      expect(got).toEqual(expected);
      if (cached.flowReads(table, hook, family) >= 0) cacheable++;
      if (seen.has(got)) hits++;
      seen.add(got);
    }
    // Not vacuous: a real share of the runs were cacheable, and the cache served some of them.
    if (cacheable > 0) expect(hits).toBeGreaterThan(0);
  });

  it('does not cache chains that draw random numbers (kube-proxy nat)', () => {
    const { ruleset } = loaded.get('kube-proxy-legacy-save.txt')!;
    const evaluator = new RulesetEvaluator([ruleset], environment(1, 4));
    expect(evaluator.flowReads('nat', 'PREROUTING', 4)).toBe(-1);
    expect(evaluator.flowReads('filter', 'FORWARD', 4)).toBeGreaterThanOrEqual(0);
  });

  it('walks again when an input the rules read changes', () => {
    const { ruleset } = loaded.get('kube-proxy-legacy-save.txt')!;
    const evaluator = new RulesetEvaluator([ruleset], environment(1, 4));
    const cache = new FlowVerdictCache();
    const original: Tuple = {
      protocol: 6,
      src: '10.244.1.5',
      dst: '10.244.2.7',
      srcPort: 40000,
      dstPort: 8080,
    };
    const reply: Tuple = {
      ...original,
      src: original.dst,
      dst: original.src,
      srcPort: 8080,
      dstPort: 40000,
    };
    const headers: PacketHeaders = {
      family: 4,
      protocol: 6,
      src: original.src,
      dst: original.dst,
      srcPort: 40000,
      dstPort: 8080,
      tcpFlags: 0x10,
    };
    const view: ConntrackView = {
      ctinfo: 'ESTABLISHED',
      direction: 'original',
      assured: true,
      seenReply: true,
      dnat: false,
      snat: false,
      mark: 0,
      original,
      reply,
      confirmed: true,
    };
    const first = evaluator.runForFlow('filter', 'FORWARD', headers, view, cache);
    expect(evaluator.runForFlow('filter', 'FORWARD', headers, view, cache)).toBe(first);
    const invalid = evaluator.runForFlow(
      'filter',
      'FORWARD',
      headers,
      { ...view, ctinfo: 'INVALID' },
      cache,
    );
    expect(invalid).not.toBe(first);
    expect(invalid).toEqual(
      evaluator.run('filter', 'FORWARD', headers, { ...view, ctinfo: 'INVALID' }),
    );
    expect(cache.size).toBe(2);
  });
});
