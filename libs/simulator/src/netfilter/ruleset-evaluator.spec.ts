import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Ruleset } from '@netmortem/domain';
import { collectBundleEvidence } from '@netmortem/evidence';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConntrackView, EvaluationEnvironment, PacketHeaders } from './netfilter-types.js';
import { RulesetEvaluator } from './ruleset-evaluator.js';

const fixtures = new URL('./__fixtures__/', import.meta.url);
const evidenceFixtures = new URL(
  '../../../evidence/src/parsers/rulesets/__fixtures__/',
  import.meta.url,
);

/** Parses a real iptables-save dump with the evidence library, as the product does. */
async function load(file: string, root = fixtures): Promise<Ruleset> {
  const bytes = readFileSync(new URL(file, root));
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
  return ruleset;
}

/** Replays a fixed list of draws; a test that runs out of draws has a bug. */
function draws(...values: number[]): () => number {
  return () => {
    const next = values.shift();
    if (next === undefined) throw new Error('no more random draws');
    return next;
  };
}

const INTERFACES: Record<string, string> = {
  eth0: '192.168.1.10',
  cni0: '10.244.0.1',
  '6:eth0': 'fd00:1::10',
  '6:eth1': 'fd00:2::10',
};

function environment(random: () => number = draws()): EvaluationEnvironment {
  return {
    localAddresses: new Set(['192.168.1.10', '10.244.0.1', '10.1.0.9', 'fd00:1::10']),
    interfaceAddress: (iface, family) => INTERFACES[family === 6 ? `6:${iface}` : iface],
    random,
  };
}

const SYN = 0x02;
const ACK = 0x10;

function tcp(src: string, dst: string, extra: Partial<PacketHeaders> = {}): PacketHeaders {
  const [srcAddress = '', srcPort = '0'] = src.split(/:(?=\d+$)/);
  const [dstAddress = '', dstPort = '0'] = dst.split(/:(?=\d+$)/);
  return {
    family: srcAddress.includes(':') ? 6 : 4,
    protocol: 6,
    src: srcAddress.replace(/^\[|\]$/g, ''),
    dst: dstAddress.replace(/^\[|\]$/g, ''),
    srcPort: Number(srcPort),
    dstPort: Number(dstPort),
    tcpFlags: SYN,
    ...extra,
  };
}

function conntrack(
  ctinfo: ConntrackView['ctinfo'],
  extra: Partial<ConntrackView> = {},
): ConntrackView {
  return {
    ctinfo,
    direction: 'original',
    assured: false,
    seenReply: ctinfo === 'ESTABLISHED',
    dnat: false,
    snat: false,
    mark: 0,
    ...extra,
  };
}

const NEW = conntrack('NEW');

describe('kube-proxy (iptables-legacy-save)', () => {
  let rules: Ruleset;
  beforeAll(async () => {
    rules = await load('kube-proxy-legacy-save.txt');
  });

  it('DNATs a ClusterIP to one of three endpoints, each with probability 1/3', () => {
    const picks = [
      { random: [0.1], endpoint: '10.244.1.5' },
      { random: [0.4, 0.3], endpoint: '10.244.2.6' },
      { random: [0.9, 0.9], endpoint: '10.244.3.7' },
    ];
    for (const { random, endpoint } of picks) {
      const evaluator = new RulesetEvaluator([rules], environment(draws(...random)));
      const packet = tcp('10.244.0.7:40000', '10.96.0.20:80', { inIface: 'cni0' });
      const result = evaluator.run('nat', 'PREROUTING', packet, NEW);
      expect(result.verdict).toBe('ACCEPT');
      expect(result.nat).toMatchObject({ kind: 'DNAT', to: { address: endpoint, port: 8080 } });
      expect(result.nat?.rule.comment).toBe('default/web:http');
      expect(result.nat?.rule.chain).toMatch(/^KUBE-SEP-/);
      const alternatives = result.nat?.alternatives ?? [];
      expect(alternatives.map((a) => a.to.address)).toEqual([
        '10.244.1.5',
        '10.244.2.6',
        '10.244.3.7',
      ]);
      for (const a of alternatives) expect(a.probability).toBeCloseTo(1 / 3, 8);
      expect(alternatives.reduce((sum, a) => sum + a.probability, 0)).toBeCloseTo(1, 12);
      // A pod source is inside the cluster CIDR: no masquerade mark.
      expect(result.setMark).toBeUndefined();
      expect(result.unsupported).toEqual([]);
    }
  });

  it('traces every rule that matched on the way to the endpoint', () => {
    const evaluator = new RulesetEvaluator([rules], environment(draws(0.9, 0.9)));
    const result = evaluator.run('nat', 'OUTPUT', tcp('192.168.1.10:40000', '10.96.0.20:80'), NEW);
    expect(result.matched.map((r) => `${r.chain}#${r.index}`)).toEqual([
      'OUTPUT#1',
      'KUBE-SERVICES#1',
      'KUBE-SVC-WEBHTTP4EPAAAAA#1', // node address is outside the cluster CIDR: KUBE-MARK-MASQ
      'KUBE-MARK-MASQ#1',
      'KUBE-SVC-WEBHTTP4EPAAAAA#4',
      'KUBE-SEP-CCCCCCCCCCCCCCCC#2',
    ]);
    expect(result.setMark).toBe(0x4000);
  });

  it('NodePort: LOCAL destination, masquerade mark, then MASQUERADE in POSTROUTING', () => {
    const evaluator = new RulesetEvaluator([rules], environment(draws(0.5, 0.2)));
    const inbound = tcp('192.168.1.50:5555', '192.168.1.10:30080', { inIface: 'eth0' });
    const pre = evaluator.run('nat', 'PREROUTING', inbound, NEW);
    expect(pre.nat).toMatchObject({ kind: 'DNAT', to: { address: '10.244.2.6', port: 8080 } });
    expect(pre.setMark).toBe(0x4000);

    const forwarded = {
      ...inbound,
      dst: '10.244.2.6',
      dstPort: 8080,
      outIface: 'cni0',
      mark: pre.setMark,
    };
    const post = evaluator.run('nat', 'POSTROUTING', forwarded, conntrack('NEW', { dnat: true }));
    expect(post.nat).toMatchObject({
      kind: 'MASQUERADE',
      to: { address: '10.244.0.1' },
      flags: ['random-fully'],
    });
    expect(post.nat?.rule.comment).toBe('kubernetes service traffic requiring SNAT');
    // KUBE-POSTROUTING clears the bit before masquerading.
    expect(post.setMark).toBe(0);

    const unmarked = evaluator.run('nat', 'POSTROUTING', { ...forwarded, mark: 0 }, NEW);
    expect(unmarked).toMatchObject({ verdict: 'ACCEPT', policy: true });
    expect(unmarked.nat).toBeUndefined();
  });

  it('a NodePort on an address that is not local is left alone', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const result = evaluator.run(
      'nat',
      'PREROUTING',
      tcp('192.168.1.50:5555', '192.168.1.99:30080', { inIface: 'eth0' }),
      NEW,
    );
    expect(result).toMatchObject({ verdict: 'ACCEPT', policy: true });
    expect(result.nat).toBeUndefined();
  });

  it('a single-endpoint service has no alternatives to offer', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const dns: PacketHeaders = {
      ...tcp('10.244.0.7:5353', '10.96.0.10:53'),
      protocol: 17,
      tcpFlags: 0,
    };
    const result = evaluator.run('nat', 'OUTPUT', dns, NEW);
    expect(result.nat).toMatchObject({ kind: 'DNAT', to: { address: '10.244.1.9', port: 53 } });
    expect(result.nat?.alternatives).toBeUndefined();
  });

  it('FORWARD: INVALID is dropped, established flows and marked flows accepted, others hit the DROP policy', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const packet = tcp('192.168.1.50:5555', '10.244.2.6:8080', {
      inIface: 'eth0',
      outIface: 'cni0',
      tcpFlags: ACK,
    });
    const invalid = evaluator.run('filter', 'FORWARD', packet, conntrack('INVALID'));
    expect(invalid).toMatchObject({ verdict: 'DROP', rule: { chain: 'KUBE-FORWARD', index: 1 } });
    expect(invalid.rule?.raw).toContain('--ctstate INVALID -j DROP');

    const established = evaluator.run('filter', 'FORWARD', packet, conntrack('ESTABLISHED'));
    expect(established).toMatchObject({
      verdict: 'ACCEPT',
      rule: { chain: 'KUBE-FORWARD', index: 3 },
    });

    const marked = evaluator.run('filter', 'FORWARD', { ...packet, mark: 0x4000 }, NEW);
    expect(marked).toMatchObject({ verdict: 'ACCEPT', rule: { chain: 'KUBE-FORWARD', index: 2 } });

    const stranger = evaluator.run('filter', 'FORWARD', packet, NEW);
    expect(stranger).toMatchObject({ verdict: 'DROP', policy: true });
    expect(stranger.rule).toBeUndefined();

    const fromPod = evaluator.run('filter', 'FORWARD', { ...packet, src: '10.244.0.7' }, NEW);
    expect(fromPod).toMatchObject({ verdict: 'ACCEPT', rule: { chain: 'FORWARD', index: 2 } });
  });

  it('KUBE-FIREWALL drops outside traffic to 127/8 unless it was DNATed', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const packet = tcp('192.168.1.50:5555', '127.0.0.1:10250', { inIface: 'eth0' });
    expect(evaluator.run('filter', 'INPUT', packet, NEW)).toMatchObject({
      verdict: 'DROP',
      rule: { chain: 'KUBE-FIREWALL', comment: 'block incoming localnet connections' },
    });
    expect(
      evaluator.run('filter', 'INPUT', packet, conntrack('NEW', { dnat: true })),
    ).toMatchObject({
      verdict: 'ACCEPT',
      policy: true,
    });
  });

  it('reads the nft backend dump the same way', async () => {
    const nft = await load('kube-proxy-nft-save.txt');
    const evaluator = new RulesetEvaluator([nft], environment(draws(0.2)));
    const result = evaluator.run(
      'nat',
      'PREROUTING',
      tcp('10.244.0.7:40000', '10.96.0.20:80'),
      NEW,
    );
    expect(result.nat?.to).toEqual({ address: '10.244.1.5', port: 8080 });
    expect(result.nat?.alternatives).toHaveLength(3);
  });
});

describe('a long KUBE-SERVICES chain (destination index)', () => {
  it('finds each service and keeps rule order around a rule without a destination', async () => {
    const evaluator = new RulesetEvaluator(
      [await load('kube-proxy-many-legacy-save.txt')],
      environment(),
    );
    for (let i = 1; i <= 40; i += 1) {
      const fromPod = evaluator.run(
        'nat',
        'PREROUTING',
        tcp('10.244.0.7:40000', `10.96.1.${i}:80`),
        NEW,
      );
      expect(fromPod.nat?.to, `svc${i}`).toEqual({ address: `10.244.1.${i}`, port: 8080 });
      expect(fromPod.nat?.rule.comment).toBe(`ns/svc${i}:http`);
      // From 10.99/16 the RETURN placed before service 21 wins over every later service.
      const fromOther = evaluator.run(
        'nat',
        'PREROUTING',
        tcp('10.99.0.7:40000', `10.96.1.${i}:80`),
        NEW,
      );
      if (i <= 20) expect(fromOther.nat?.to.address, `svc${i}`).toBe(`10.244.1.${i}`);
      else expect(fromOther.matched.at(-1)?.raw, `svc${i}`).toContain('-s 10.99.0.0/16');
    }
    const wrongPort = evaluator.run(
      'nat',
      'PREROUTING',
      tcp('10.244.0.7:40000', '10.96.1.5:443'),
      NEW,
    );
    expect(wrongPort).toMatchObject({ verdict: 'ACCEPT', policy: true });
    const nodeLocal = evaluator.run(
      'nat',
      'PREROUTING',
      tcp('10.244.0.7:40000', '192.168.1.10:80'),
      NEW,
    );
    expect(nodeLocal.matched.at(-1)?.raw).toContain('--dst-type LOCAL');
  });
});

describe('Istio sidecar (iptables-legacy-save)', () => {
  let evaluator: RulesetEvaluator;
  beforeAll(async () => {
    evaluator = new RulesetEvaluator([await load('istio-legacy-save.txt')], environment());
  });

  it('redirects inbound traffic to 15006 on the incoming interface address', () => {
    const result = evaluator.run(
      'nat',
      'PREROUTING',
      tcp('10.1.0.5:40000', '10.1.0.9:8080', { inIface: 'eth0' }),
      NEW,
    );
    expect(result.nat).toMatchObject({
      kind: 'REDIRECT',
      to: { address: '192.168.1.10', port: 15006 },
    });
    expect(result.nat?.rule.chain).toBe('ISTIO_IN_REDIRECT');
  });

  it('leaves the proxy ports alone', () => {
    const result = evaluator.run(
      'nat',
      'PREROUTING',
      tcp('10.1.0.5:40000', '10.1.0.9:15021', { inIface: 'eth0' }),
      NEW,
    );
    expect(result).toMatchObject({ verdict: 'ACCEPT', policy: true });
    expect(result.matched.map((r) => `${r.chain}#${r.index}`)).toEqual([
      'PREROUTING#1',
      'ISTIO_INBOUND#3',
    ]);
  });

  it('redirects the application outbound to 15001 on loopback, but not the proxy itself (uid 1337)', () => {
    const app = tcp('10.1.0.9:41000', '10.96.0.20:80', { outIface: 'eth0', uid: 1000, gid: 1000 });
    expect(evaluator.run('nat', 'OUTPUT', app, NEW).nat).toMatchObject({
      kind: 'REDIRECT',
      to: { address: '127.0.0.1', port: 15001 },
      rule: { chain: 'ISTIO_REDIRECT' },
    });
    const proxy = { ...app, uid: 1337, gid: 1337 };
    const result = evaluator.run('nat', 'OUTPUT', proxy, NEW);
    expect(result.nat).toBeUndefined();
    expect(result.matched.at(-1)).toMatchObject({ chain: 'ISTIO_OUTPUT', index: 4 });
  });

  it('sends the proxy’s own traffic to the local app through the inbound listener', () => {
    const proxyToApp = tcp('10.1.0.9:42000', '10.1.0.9:8080', {
      outIface: 'lo',
      uid: 1337,
      gid: 1337,
    });
    expect(evaluator.run('nat', 'OUTPUT', proxyToApp, NEW).nat).toMatchObject({
      kind: 'REDIRECT',
      to: { address: '127.0.0.1', port: 15006 },
    });
  });

  it('reports an unknown uid and takes it for an application socket', () => {
    const result = evaluator.run(
      'nat',
      'OUTPUT',
      tcp('10.1.0.9:41000', '10.96.0.20:80', { outIface: 'eth0' }),
      NEW,
    );
    expect(result.nat?.to.port).toBe(15001);
    expect(result.unsupported.length).toBeGreaterThan(0);
    expect(result.unsupported[0]?.what).toMatch(/uid is unknown/);
  });

  it('drops INVALID packets in mangle PREROUTING before they could skip the REDIRECT', () => {
    const result = evaluator.run(
      'mangle',
      'PREROUTING',
      tcp('10.1.0.5:40000', '10.1.0.9:8080', { tcpFlags: ACK }),
      conntrack('INVALID'),
    );
    expect(result).toMatchObject({ verdict: 'DROP', rule: { chain: 'ISTIO_DROP', index: 1 } });
    expect(result.matched.map((r) => r.chain)).toEqual(['PREROUTING', 'ISTIO_DROP']);
  });
});

describe('host firewall (iptables-legacy-save)', () => {
  let rules: Ruleset;
  beforeAll(async () => {
    rules = await load('host-firewall-legacy-save.txt');
  });
  const toHost = (port: number, extra: Partial<PacketHeaders> = {}) =>
    tcp(`192.168.1.50:40000`, `192.168.1.10:${port}`, { inIface: 'eth0', ...extra });

  it('REJECT answers with the ICMP type and code of each --reject-with', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const expected: [number, Record<string, unknown>][] = [
      [8000, { with: 'tcp-reset', tcpReset: true, sent: true }],
      [8001, { with: 'icmp-port-unreachable', icmpType: 3, icmpCode: 3, sent: true }],
      [8002, { with: 'icmp-host-unreachable', icmpType: 3, icmpCode: 1 }],
      [8003, { with: 'icmp-net-prohibited', icmpType: 3, icmpCode: 9 }],
      [8004, { with: 'icmp-host-prohibited', icmpType: 3, icmpCode: 10 }],
      [8005, { with: 'icmp-admin-prohibited', icmpType: 3, icmpCode: 13 }],
      [8006, { with: 'icmp-proto-unreachable', icmpType: 3, icmpCode: 2 }],
      [8007, { with: 'icmp-net-unreachable', icmpType: 3, icmpCode: 0 }],
      [8008, { with: 'icmp-port-unreachable', icmpType: 3, icmpCode: 3 }],
      [9000, { with: 'icmp-port-unreachable', icmpType: 3, icmpCode: 3 }],
    ];
    for (const [port, reject] of expected) {
      const result = evaluator.run('filter', 'INPUT', toHost(port), NEW);
      expect(result.verdict, `port ${port}`).toBe('REJECT');
      expect(result.reject, `port ${port}`).toMatchObject(reject);
      expect(result.rule?.chain).toBe('REJECTS');
    }
  });

  it('tcp-reset sends nothing in answer to a RST', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const result = evaluator.run('filter', 'INPUT', toHost(8000, { tcpFlags: 0x04 }), NEW);
    expect(result.reject).toMatchObject({ tcpReset: true, sent: false });
  });

  it('jump returns to the caller, goto returns to the caller’s caller (here: the policy)', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const run = (port: number) => evaluator.run('filter', 'INPUT', toHost(port), NEW);
    expect(run(7000)).toMatchObject({ verdict: 'ACCEPT', rule: { chain: 'INPUT', index: 10 } });
    expect(run(7001)).toMatchObject({ verdict: 'DROP', policy: true });
    const jumped = run(7002);
    expect(jumped).toMatchObject({ verdict: 'ACCEPT', rule: { chain: 'INPUT', index: 10 } });
    expect(jumped.matched.map((r) => `${r.chain}#${r.index}`)).toEqual([
      'INPUT#8',
      'JUMP_TARGET#1',
      'INPUT#10',
    ]);
    expect(run(7003)).toMatchObject({ verdict: 'DROP', policy: true });
  });

  it('INPUT policy DROP applies when nothing matches', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    expect(evaluator.run('filter', 'INPUT', toHost(4444), NEW)).toMatchObject({
      verdict: 'DROP',
      policy: true,
    });
    expect(evaluator.run('filter', 'INPUT', toHost(4444), conntrack('ESTABLISHED'))).toMatchObject({
      verdict: 'ACCEPT',
      rule: { index: 2 },
    });
  });

  it('statistic nth keeps one counter per rule, advanced only when the rule is reached', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const udp: PacketHeaders = { ...toHost(5000), protocol: 17, tcpFlags: 0 };
    const verdicts = Array.from(
      { length: 8 },
      () => evaluator.run('filter', 'INPUT', udp, NEW).verdict,
    );
    expect(verdicts).toEqual([
      'ACCEPT',
      'DROP',
      'DROP',
      'ACCEPT',
      'REJECT',
      'DROP',
      'ACCEPT',
      'DROP',
    ]);
  });

  it('raw: CT --notrack and NOTRACK mark the packet untracked and let it through', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const vxlan: PacketHeaders = { ...toHost(4789), protocol: 17, tcpFlags: 0 };
    expect(evaluator.run('raw', 'PREROUTING', vxlan, NEW)).toMatchObject({
      verdict: 'ACCEPT',
      policy: true,
      notrack: true,
    });
    expect(evaluator.run('raw', 'OUTPUT', vxlan, NEW).notrack).toBe(true);
    const ntp: PacketHeaders = { ...vxlan, srcPort: 123, dstPort: 40000 };
    expect(evaluator.run('raw', 'PREROUTING', ntp, NEW).notrack).toBe(true);
    expect(evaluator.run('raw', 'PREROUTING', toHost(22), NEW).notrack).toBeUndefined();
  });

  it('mangle: MARK then CONNMARK --save-mark; --restore-mark copies the entry mark back', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const marked = evaluator.run('mangle', 'PREROUTING', toHost(8443), NEW);
    expect(marked).toMatchObject({ setMark: 0x10, setConnmark: 0x10 });
    // No entry for an INVALID packet: the packet mark changes, the (absent) entry's does not.
    const invalid = evaluator.run('mangle', 'PREROUTING', toHost(8443), conntrack('INVALID'));
    expect(invalid.setMark).toBe(0x10);
    expect(invalid.setConnmark).toBeUndefined();
    const reply = tcp('192.168.1.10:8443', '192.168.1.50:40000', {
      outIface: 'eth0',
      tcpFlags: SYN | ACK,
    });
    expect(
      evaluator.run(
        'mangle',
        'OUTPUT',
        reply,
        conntrack('ESTABLISHED', { mark: 0x10, direction: 'reply' }),
      ).setMark,
    ).toBe(0x10);
  });

  it('FORWARD: a NEW TCP flow that does not start with SYN is dropped', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const through = (flags: number) =>
      tcp('10.0.0.5:40000', '172.16.0.5:443', {
        inIface: 'eth0',
        outIface: 'eth1',
        tcpFlags: flags,
      });
    expect(evaluator.run('filter', 'FORWARD', through(ACK), NEW)).toMatchObject({
      verdict: 'DROP',
      rule: { index: 2 },
    });
    expect(evaluator.run('filter', 'FORWARD', through(SYN), NEW)).toMatchObject({
      verdict: 'ACCEPT',
      policy: true,
    });
    expect(evaluator.run('filter', 'FORWARD', through(ACK), conntrack('INVALID'))).toMatchObject({
      verdict: 'DROP',
      rule: { index: 1 },
    });
  });

  it('FORWARD: destination prefix and iprange decide the reject type', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    expect(
      evaluator.run('filter', 'FORWARD', tcp('10.0.0.5:1', '192.0.2.7:80'), NEW).reject,
    ).toMatchObject({ icmpType: 3, icmpCode: 0 });
    expect(
      evaluator.run('filter', 'FORWARD', tcp('198.51.100.3:1', '203.0.113.15:80'), NEW).reject,
    ).toMatchObject({ icmpCode: 13 });
    expect(
      evaluator.run('filter', 'FORWARD', tcp('198.51.100.3:1', '203.0.113.21:80'), NEW).verdict,
    ).toBe('ACCEPT');
  });

  it('OUTPUT: owner uid ranges only judge locally generated packets', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const mail = (uid: number) =>
      tcp('192.168.1.10:40000', '203.0.113.25:25', { outIface: 'eth0', uid });
    expect(evaluator.run('filter', 'OUTPUT', mail(1500), NEW)).toMatchObject({
      verdict: 'REJECT',
      reject: { icmpCode: 10 },
    });
    expect(evaluator.run('filter', 'OUTPUT', mail(0), NEW)).toMatchObject({
      verdict: 'ACCEPT',
      policy: true,
    });
  });

  it('ICMP echo to a local address is accepted (addrtype LOCAL and icmp type)', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const ping: PacketHeaders = {
      family: 4,
      protocol: 1,
      src: '192.168.1.50',
      dst: '192.168.1.10',
      srcPort: 0,
      dstPort: 0,
      tcpFlags: 0,
      icmpType: 8,
      icmpCode: 0,
    };
    expect(evaluator.run('filter', 'INPUT', ping, NEW)).toMatchObject({
      verdict: 'ACCEPT',
      rule: { index: 13 },
    });
    expect(evaluator.run('filter', 'INPUT', { ...ping, dst: '192.168.1.99' }, NEW)).toMatchObject({
      verdict: 'DROP',
      policy: true,
    });
  });
});

describe('IPv6 (ip6tables-legacy-save)', () => {
  let rules: Ruleset;
  beforeAll(async () => {
    rules = await load('ip6tables-legacy-save.txt');
  });

  it('picks the ruleset by family: an IPv4 packet finds no IPv6 table', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    expect(evaluator.has('nat')).toBe(true);
    expect(evaluator.has('nat', 4)).toBe(false);
    expect(evaluator.run('filter', 'INPUT', tcp('10.0.0.1:1', '10.0.0.2:2'), NEW)).toEqual({
      verdict: 'NONE',
      matched: [],
      unsupported: [],
    });
  });

  it('DNAT to bracketed addresses with a 50/50 split', () => {
    const evaluator = new RulesetEvaluator([rules], environment(draws(0.7)));
    const result = evaluator.run(
      'nat',
      'PREROUTING',
      tcp('[fd00:244::9]:40000', '[fd00:96::20]:80'),
      NEW,
    );
    expect(result.nat).toMatchObject({ kind: 'DNAT', to: { address: 'fd00:244::6', port: 8080 } });
    expect(result.nat?.alternatives?.map((a) => [a.to.address, a.probability])).toEqual([
      ['fd00:244::5', 0.5],
      ['fd00:244::6', 0.5],
    ]);
  });

  it('REDIRECT goes to the interface address in PREROUTING and to ::1 in OUTPUT', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    expect(
      evaluator.run(
        'nat',
        'PREROUTING',
        tcp('[fd00:9::1]:40000', '[fd00:1::10]:8080', { inIface: 'eth0' }),
        NEW,
      ).nat,
    ).toMatchObject({
      kind: 'REDIRECT',
      to: { address: 'fd00:1::10', port: 15006 },
    });
    expect(
      evaluator.run('nat', 'OUTPUT', tcp('[fd00:1::10]:40000', '[fd00:96::30]:443'), NEW).nat,
    ).toMatchObject({
      kind: 'REDIRECT',
      to: { address: '::1', port: 15001 },
    });
  });

  it('SNAT keeps a source port inside its range and otherwise takes one from it', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const snat = (port: number) =>
      evaluator.run(
        'nat',
        'POSTROUTING',
        tcp(`[fd00:10::5]:${port}`, '[2001:db8:9::1]:443', { outIface: 'eth1' }),
        NEW,
      ).nat;
    expect(snat(20005)).toMatchObject({
      kind: 'SNAT',
      to: { address: '2001:db8::1', port: 20005 },
      range: { minPort: 20000, maxPort: 20010 },
    });
    const moved = snat(40000);
    expect(moved?.to).toEqual({ address: '2001:db8::1', port: 20000 });
    expect(moved?.approximate).toMatch(/20000-20010/);
  });

  it('MASQUERADE takes the outgoing interface address', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    expect(
      evaluator.run(
        'nat',
        'POSTROUTING',
        tcp('[fd00:244::5]:40000', '[2001:db8:9::1]:443', { outIface: 'eth1' }),
        NEW,
      ).nat,
    ).toMatchObject({
      kind: 'MASQUERADE',
      to: { address: 'fd00:2::10' },
    });
  });

  it('REJECT types of ICMPv6', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const cases: [PacketHeaders, Record<string, unknown>][] = [
      [
        tcp('[fd00:bad::1]:1', '[fd00:1::10]:22'),
        { with: 'icmp6-adm-prohibited', icmpType: 1, icmpCode: 1 },
      ],
      [tcp('[fd00:9::1]:1', '[fd00:1::10]:9000'), { with: 'tcp-reset', tcpReset: true }],
      [tcp('[fd00:9::1]:1', '[fd00:1::10]:9001'), { icmpType: 1, icmpCode: 0 }],
      [tcp('[fd00:9::1]:1', '[fd00:1::10]:9002'), { icmpType: 1, icmpCode: 3 }],
      [tcp('[fd00:9::1]:1', '[fd00:1::10]:9003'), { icmpType: 1, icmpCode: 5 }],
      [tcp('[fd00:9::1]:1', '[fd00:1::10]:9004'), { icmpType: 1, icmpCode: 6 }],
      [
        { ...tcp('[fd00:9::1]:1', '[fd00:1::10]:53'), protocol: 17, tcpFlags: 0 },
        { with: 'icmp6-port-unreachable', icmpType: 1, icmpCode: 4 },
      ],
    ];
    for (const [packet, reject] of cases)
      expect(evaluator.run('filter', 'INPUT', packet, NEW).reject).toMatchObject(reject);
  });

  it('ICMPv6 echo is accepted, INVALID dropped, DNATed flows forwarded', () => {
    const evaluator = new RulesetEvaluator([rules], environment());
    const ping: PacketHeaders = {
      family: 6,
      protocol: 58,
      src: 'fd00:9::1',
      dst: 'fd00:1::10',
      srcPort: 0,
      dstPort: 0,
      tcpFlags: 0,
      icmpType: 128,
    };
    expect(evaluator.run('filter', 'INPUT', ping, NEW)).toMatchObject({
      verdict: 'ACCEPT',
      rule: { index: 1 },
    });
    expect(
      evaluator.run(
        'filter',
        'INPUT',
        tcp('[fd00:9::1]:1', '[fd00:1::10]:22', { tcpFlags: ACK }),
        conntrack('INVALID'),
      ),
    ).toMatchObject({ verdict: 'DROP', rule: { index: 3 } });
    const forwarded = tcp('[fd00:9::1]:1', '[fd00:244::5]:8080');
    expect(evaluator.run('filter', 'FORWARD', forwarded, NEW)).toMatchObject({
      verdict: 'DROP',
      policy: true,
    });
    expect(
      evaluator.run('filter', 'FORWARD', forwarded, conntrack('NEW', { dnat: true })),
    ).toMatchObject({ verdict: 'ACCEPT', rule: { index: 2 } });
  });
});

describe('Docker published port (iptables-legacy-save)', () => {
  let evaluator: RulesetEvaluator;
  beforeAll(async () => {
    evaluator = new RulesetEvaluator([await load('docker-legacy-save.txt')], environment());
  });

  it('DNATs a published port arriving from outside, but not from the bridge itself', () => {
    const outside = tcp('192.168.1.50:5555', '192.168.1.10:8080', { inIface: 'eth0' });
    expect(evaluator.run('nat', 'PREROUTING', outside, NEW).nat).toMatchObject({
      kind: 'DNAT',
      to: { address: '172.17.0.2', port: 80 },
    });
    const fromBridge = { ...outside, src: '172.17.0.3', inIface: 'docker0' };
    const result = evaluator.run('nat', 'PREROUTING', fromBridge, NEW);
    expect(result.nat).toBeUndefined();
    expect(result.matched.at(-1)).toMatchObject({ chain: 'DOCKER', index: 1 });
  });

  it('the host reaching its own published port goes through OUTPUT, loopback excepted', () => {
    const own = tcp('192.168.1.10:40000', '192.168.1.10:8080', { outIface: 'lo' });
    expect(evaluator.run('nat', 'OUTPUT', own, NEW).nat?.to).toEqual({
      address: '172.17.0.2',
      port: 80,
    });
    expect(evaluator.run('nat', 'OUTPUT', { ...own, dst: '127.0.0.1' }, NEW).nat).toBeUndefined();
  });

  it('masquerades container egress on the way out of the host only', () => {
    const egress = tcp('172.17.0.2:40000', '203.0.113.9:443', {
      inIface: 'docker0',
      outIface: 'eth0',
    });
    expect(evaluator.run('nat', 'POSTROUTING', egress, NEW).nat).toMatchObject({
      kind: 'MASQUERADE',
      to: { address: '192.168.1.10' },
    });
    expect(
      evaluator.run(
        'nat',
        'POSTROUTING',
        { ...egress, dst: '172.17.0.3', outIface: 'docker0' },
        NEW,
      ).nat,
    ).toBeUndefined();
  });

  it('FORWARD lets the published port and container egress through, nothing else', () => {
    const inbound = tcp('192.168.1.50:5555', '172.17.0.2:80', {
      inIface: 'eth0',
      outIface: 'docker0',
    });
    expect(
      evaluator.run('filter', 'FORWARD', inbound, conntrack('NEW', { dnat: true })),
    ).toMatchObject({ verdict: 'ACCEPT', rule: { chain: 'DOCKER', index: 1 } });
    expect(evaluator.run('filter', 'FORWARD', { ...inbound, dstPort: 81 }, NEW)).toMatchObject({
      verdict: 'DROP',
      policy: true,
    });
    const egress = tcp('172.17.0.2:40000', '203.0.113.9:443', {
      inIface: 'docker0',
      outIface: 'eth0',
    });
    expect(evaluator.run('filter', 'FORWARD', egress, NEW)).toMatchObject({
      verdict: 'ACCEPT',
      rule: { chain: 'FORWARD', index: 5 },
    });
    // Replies to the container are ESTABLISHED.
    const reply = tcp('203.0.113.9:443', '172.17.0.2:40000', {
      inIface: 'eth0',
      outIface: 'docker0',
      tcpFlags: ACK,
    });
    expect(
      evaluator.run('filter', 'FORWARD', reply, conntrack('ESTABLISHED', { direction: 'reply' })),
    ).toMatchObject({ verdict: 'ACCEPT', rule: { index: 3 } });
  });
});

describe('rules the model does not know', () => {
  it('reports them, assumes no match, and never throws', async () => {
    const rich = await load('legacy-save-rich.txt', evidenceFixtures);
    const evaluator = new RulesetEvaluator(
      [rich],
      environment(() => 0.99),
    );
    const packet = tcp('10.0.0.50:40000', '10.0.0.60:80', {
      inIface: 'veth1',
      outIface: 'eth1',
      tcpFlags: ACK,
    });
    const result = evaluator.run('filter', 'FORWARD', packet, NEW);
    const notes = result.unsupported.map((u) => u.what).join('\n');
    expect(notes).toMatch(/-m connlimit/);
    expect(notes).toMatch(/-m recent/);
    expect(notes).toMatch(/-m mac/);
    expect(notes).toMatch(/packet length unknown/);
    expect(notes).toMatch(/hashlimit .*assumed under the limit/);
    // hashlimit is assumed under its rate, so its ACCEPT decides before -m string is reached.
    expect(result).toMatchObject({ verdict: 'ACCEPT', rule: { chain: 'FORWARD' } });
    expect(result.rule?.raw).toContain('--hashlimit-upto 50/sec');
    expect(notes).not.toMatch(/-m string/);
    for (const hook of ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const)
      for (const table of ['raw', 'mangle', 'nat', 'filter'] as const)
        expect(() => evaluator.run(table, hook, packet, conntrack('ESTABLISHED'))).not.toThrow();
  });
});

describe('against the kernel’s own counters (iptables-legacy-save -c after real traffic)', () => {
  it('statistic nth, goto and jump count the same packets per rule as the kernel did', async () => {
    const rules = await load('nth-goto-legacy-save-c.txt');
    const evaluator = new RulesetEvaluator([rules], environment());
    const counts = new Map<string, number>();
    const udp = (port: number): PacketHeaders => ({
      family: 4,
      protocol: 17,
      src: '127.0.0.1',
      dst: '127.0.0.1',
      srcPort: 40000,
      dstPort: port,
      tcpFlags: 0,
      inIface: 'lo',
    });
    // The traffic generate.sh sent: 8 datagrams to 5000, one to 6000, one to 6001.
    for (const port of [5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 6000, 6001]) {
      const result = evaluator.run('filter', 'INPUT', udp(port), NEW);
      for (const rule of result.matched) counts.set(rule.raw, (counts.get(rule.raw) ?? 0) + 1);
    }
    const filter = rules.tables.find((t) => t.name === 'filter');
    const rulesWithCounters = filter?.chains.flatMap((c) => c.rules) ?? [];
    expect(rulesWithCounters).toHaveLength(9);
    for (const rule of rulesWithCounters)
      expect(counts.get(rule.raw) ?? 0, rule.raw).toBe(rule.counters?.packets);
  });
});
