import type { RuleTarget } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import type { RuleRef } from './netfilter-types.js';
import {
  AddressCache,
  createPacketContext,
  LocalAddressIndex,
  type MutableMarks,
} from './packet-context.js';
import {
  applyTproxyMark,
  compileTarget,
  natDecision,
  tproxyDecision,
  type RuleAction,
} from './rule-targets.js';

/** Targets as the iptables-save parser gives them for the lines quoted in each test. */
const target = (
  name: string,
  options: Record<string, string> = {},
  kind: RuleTarget['kind'] = 'extension',
): RuleTarget => ({
  name,
  kind,
  options,
});

function marks(mark: number, ctmark = 0): MutableMarks {
  return { mark, ctmark, markChanged: false, ctmarkChanged: false, notrack: false };
}

function run(action: RuleAction, m: MutableMarks, hasEntry = true): MutableMarks {
  if (action.kind !== 'marks') throw new Error(`expected a mark action, got ${action.kind}`);
  action.apply(m, hasEntry);
  return m;
}

const ref: RuleRef = {
  table: 'nat',
  chain: 'X',
  index: 1,
  raw: '-A X',
  locator: { artifact: 't' },
};

describe('MARK', () => {
  it('--set-xmark clears the mask then flips the value (kube-proxy’s --or-mark and --xor-mark as saved)', () => {
    const orMark = compileTarget(target('MARK', { 'set-xmark': '0x4000/0x4000' }), 'nat', 4);
    expect(run(orMark, marks(0x1)).mark).toBe(0x4001);
    const xorMark = compileTarget(target('MARK', { 'set-xmark': '0x4000/0x0' }), 'nat', 4);
    expect(run(xorMark, marks(0x4001)).mark).toBe(0x1);
    const setAll = compileTarget(target('MARK', { 'set-xmark': '0x539/0xffffffff' }), 'mangle', 4);
    expect(run(setAll, marks(0xffff)).mark).toBe(0x539);
  });

  it('the spellings people paste: --set-mark, --and-mark, --or-mark, --xor-mark', () => {
    const cases: [Record<string, string>, number, number][] = [
      [{ 'set-mark': '0x10/0xf0' }, 0x0f, 0x1f],
      [{ 'set-mark': '0x10' }, 0xff, 0x10],
      [{ 'and-mark': '0x0f' }, 0xff, 0x0f],
      [{ 'or-mark': '0x100' }, 0x1, 0x101],
      [{ 'xor-mark': '0x3' }, 0x1, 0x2],
    ];
    for (const [options, before, after] of cases)
      expect(
        run(compileTarget(target('MARK', options), 'mangle', 4), marks(before)).mark,
        JSON.stringify(options),
      ).toBe(after);
  });

  it('an unreadable mark is reported, not guessed', () => {
    expect(compileTarget(target('MARK', { 'set-xmark': 'lots' }), 'mangle', 4)).toMatchObject({
      kind: 'unsupported',
    });
  });
});

describe('CONNMARK', () => {
  it('--save-mark copies the packet mark into the entry, --restore-mark back', () => {
    const save = compileTarget(
      target('CONNMARK', { 'save-mark': '', nfmask: '0xffffffff', ctmask: '0xffffffff' }),
      'mangle',
      4,
    );
    expect(run(save, marks(0x10, 0x3))).toMatchObject({ ctmark: 0x10, ctmarkChanged: true });
    const restore = compileTarget(
      target('CONNMARK', { 'restore-mark': '', nfmask: '0xffffffff', ctmask: '0xffffffff' }),
      'mangle',
      4,
    );
    expect(run(restore, marks(0x1, 0x20))).toMatchObject({ mark: 0x20, markChanged: true });
    const masked = compileTarget(
      target('CONNMARK', { 'restore-mark': '', mask: '0xff' }),
      'mangle',
      4,
    );
    expect(run(masked, marks(0x1100, 0x22)).mark).toBe(0x1122);
  });

  it('does nothing without an entry', () => {
    const set = compileTarget(target('CONNMARK', { 'set-xmark': '0x1/0xffffffff' }), 'mangle', 4);
    expect(run(set, marks(0, 0x7), false)).toMatchObject({ ctmark: 0x7, ctmarkChanged: false });
    expect(run(set, marks(0, 0x7), true)).toMatchObject({ ctmark: 0x1, ctmarkChanged: true });
  });
});

describe('other targets', () => {
  it('verdicts, chains and the silent ones', () => {
    expect(compileTarget(target('ACCEPT', {}, 'verdict'), 'filter', 4)).toEqual({ kind: 'accept' });
    expect(compileTarget(target('KUBE-SVC-X', {}, 'goto'), 'nat', 4)).toEqual({
      kind: 'jump',
      chain: 'KUBE-SVC-X',
      goto: true,
    });
    expect(compileTarget(target('LOG', { 'log-prefix': 'x' }), 'filter', 4)).toEqual({
      kind: 'continue',
    });
    expect(compileTarget(undefined, 'filter', 4)).toEqual({ kind: 'continue' });
    expect(compileTarget(target('NFQUEUE', { 'queue-num': '1' }), 'filter', 4)).toMatchObject({
      kind: 'unsupported',
    });
  });

  it('CT --notrack and NOTRACK; CT --zone is reported', () => {
    expect(compileTarget(target('CT', { notrack: '' }), 'raw', 4)).toEqual({ kind: 'notrack' });
    expect(compileTarget(target('NOTRACK'), 'raw', 4)).toEqual({ kind: 'notrack' });
    expect(compileTarget(target('CT', { zone: '7' }), 'raw', 4)).toMatchObject({
      kind: 'unsupported',
      what: expect.stringMatching(/--zone 7/) as unknown,
    });
  });

  it('REJECT types are read per family', () => {
    expect(
      compileTarget(target('REJECT', { 'reject-with': 'icmp6-adm-prohibited' }), 'filter', 6),
    ).toMatchObject({ kind: 'reject', spec: { icmp: [1, 1] } });
    expect(
      compileTarget(target('REJECT', { 'reject-with': 'icmp6-adm-prohibited' }), 'filter', 4),
    ).toMatchObject({ kind: 'unsupported' });
  });

  it('NAT targets belong to the nat table', () => {
    expect(
      compileTarget(target('DNAT', { 'to-destination': '10.0.0.1:80' }), 'filter', 4),
    ).toMatchObject({ kind: 'unsupported' });
    expect(compileTarget(target('DNAT', { 'to-destination': 'nowhere' }), 'nat', 4)).toMatchObject({
      kind: 'unsupported',
    });
  });
});

describe('NAT decisions', () => {
  const env = {
    localAddresses: new Set<string>(['10.0.0.5']),
    random: () => 0,
    interfaceAddress: (iface: string) => (iface === 'eth0' ? '192.168.1.10' : undefined),
  };
  const ctx = (
    hook: 'PREROUTING' | 'OUTPUT' | 'POSTROUTING',
    extra: Record<string, unknown> = {},
  ) => {
    const cache = new AddressCache();
    return createPacketContext(
      {
        family: 4,
        protocol: 6,
        src: '10.0.0.5',
        dst: '10.0.0.9',
        srcPort: 40000,
        dstPort: 80,
        tcpFlags: 2,
        ...extra,
      },
      { ctinfo: 'NEW', assured: false, seenReply: false, dnat: false, snat: false, mark: 0 },
      hook,
      env,
      cache,
      new LocalAddressIndex(env, cache),
    );
  };
  const nat = (name: string, options: Record<string, string>) => {
    const action = compileTarget(target(name, options), 'nat', 4);
    if (action.kind !== 'nat') throw new Error(`not a NAT target: ${action.kind}`);
    return action.target;
  };

  it('DNAT with a port and flags', () => {
    const decision = natDecision(
      nat('DNAT', { 'to-destination': '10.244.2.6:53', persistent: '' }),
      ctx('PREROUTING'),
      ref,
    );
    expect(decision).toMatchObject({
      kind: 'DNAT',
      to: { address: '10.244.2.6', port: 53 },
      flags: ['persistent'],
    });
  });

  it('REDIRECT: the incoming interface’s address, or a note when it is unknown', () => {
    const redirect = nat('REDIRECT', { 'to-ports': '15006' });
    expect(natDecision(redirect, ctx('PREROUTING', { inIface: 'eth0' }), ref).to).toEqual({
      address: '192.168.1.10',
      port: 15006,
    });
    const unknown = natDecision(redirect, ctx('PREROUTING', { inIface: 'veth9' }), ref);
    expect(unknown.to).toEqual({ port: 15006 });
    expect(unknown.approximate).toMatch(/veth9 unknown \(the kernel drops/);
    // A local destination stands in for the interface address (a pod's only address).
    const local = natDecision(
      redirect,
      ctx('PREROUTING', { inIface: 'veth9', dst: '10.0.0.5' }),
      ref,
    );
    expect(local.to).toEqual({ address: '10.0.0.5', port: 15006 });
    expect(local.approximate).toMatch(/local destination stands in/);
  });

  it('MASQUERADE --to-ports keeps an allowed source port', () => {
    const masq = nat('MASQUERADE', { 'to-ports': '30000-40000' });
    expect(
      natDecision(masq, ctx('POSTROUTING', { outIface: 'eth0', srcPort: 35000 }), ref).to,
    ).toEqual({ address: '192.168.1.10', port: 35000 });
  });

  it('TPROXY: the socket address and port, and the mark for policy routing', () => {
    const action = compileTarget(
      target('TPROXY', {
        'on-port': '15006',
        'on-ip': '0.0.0.0',
        'tproxy-mark': '0x539/0xffffffff',
      }),
      'mangle',
      4,
    );
    if (action.kind !== 'tproxy') throw new Error(action.kind);
    const c = ctx('PREROUTING', { inIface: 'eth0' });
    expect(tproxyDecision(action.target, c, ref)).toMatchObject({
      kind: 'REDIRECT',
      tproxy: true,
      to: { address: '192.168.1.10', port: 15006 },
    });
    applyTproxyMark(action.target, c);
    expect(c.mark).toBe(0x539);
  });
});
