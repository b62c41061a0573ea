import { describe, expect, it } from 'vitest';
import { detectArtifactKind } from '../detection/artifact-kind.detector.js';
import { procSysKey, synthesiseSysctlSet } from './proc-sys-sysctl.js';

describe('procSysKey', () => {
  it.each([
    ['capture/proc-sys-net/ipv4/tcp_keepalive_time', 'net.ipv4.tcp_keepalive_time'],
    [
      'proc-sys-net/netfilter/nf_conntrack_tcp_be_liberal',
      'net.netfilter.nf_conntrack_tcp_be_liberal',
    ],
    // sysctl writes a dot inside a name (a VLAN interface) as a slash
    ['a/b/proc-sys-net/ipv4/conf/eth0.100/rp_filter', 'net.ipv4.conf.eth0/100.rp_filter'],
    ['node-1/proc/sys/net/core/somaxconn', 'net.core.somaxconn'],
    ['C:\\bundle\\proc-sys-net\\ipv4\\ip_forward', 'net.ipv4.ip_forward'],
  ])('%s is %s', (path, key) => {
    expect(procSysKey(path)).toBe(key);
  });

  it.each([['proc-sys-net'], ['proc-net/snmp'], ['sysctl.txt'], ['proc/sys/kernel/hostname']])(
    '%s has none',
    (path) => {
      expect(procSysKey(path)).toBeUndefined();
    },
  );
});

describe('synthesiseSysctlSet', () => {
  const files = [
    { path: 'c/proc-sys-net/ipv4/tcp_keepalive_time', text: '7200\n' },
    { path: 'c/proc-sys-net/ipv4/ip_local_port_range', text: '32768\t60999\n' },
    { path: 'c/proc-sys-net/ipv4/conf/eth0.100/rp_filter', text: '2\n' },
    { path: 'c/proc-sys-net/netfilter/nf_conntrack_tcp_be_liberal', text: '0\n' },
    { path: 'c/proc-sys-net/ipv4/route/flush', text: '' },
    { path: 'c/README', text: 'not a sysctl' },
  ];

  it('keys, values and line numbers as sysctl -a would print them, sorted by key', () => {
    const { set, text, sources } = synthesiseSysctlSet('c/proc-sys-net', files);
    expect(set.locator).toEqual({ artifact: 'c/proc-sys-net' });
    expect(set.values).toEqual({
      'net.ipv4.conf.eth0/100.rp_filter': '2',
      'net.ipv4.ip_local_port_range': '32768\t60999',
      'net.ipv4.route.flush': '',
      'net.ipv4.tcp_keepalive_time': '7200',
      'net.netfilter.nf_conntrack_tcp_be_liberal': '0',
    });
    expect(text).toBe(
      [
        'net.ipv4.conf.eth0/100.rp_filter = 2',
        'net.ipv4.ip_local_port_range = 32768\t60999',
        'net.ipv4.route.flush =',
        'net.ipv4.tcp_keepalive_time = 7200',
        'net.netfilter.nf_conntrack_tcp_be_liberal = 0',
        '',
      ].join('\n'),
    );
    // Each key's line points at its own line of that text.
    for (const [key, line] of Object.entries(set.lines)) {
      expect(text.split('\n')[line - 1]!.startsWith(`${key} =`)).toBe(true);
    }
    expect(sources['net.ipv4.tcp_keepalive_time']).toBe('c/proc-sys-net/ipv4/tcp_keepalive_time');
  });

  it('writes text that detection reads as sysctl', () => {
    const { text } = synthesiseSysctlSet('c/proc-sys-net', files);
    expect(detectArtifactKind(new TextEncoder().encode(text), 'proc-sys-net').kind).toBe('sysctl');
  });

  it('joins a multi-line value into one line and drops NULs', () => {
    const { set } = synthesiseSysctlSet('x', [
      { path: 'proc-sys-net/netfilter/nf_log/2', text: 'NONE\nSECOND\n' },
      { path: 'proc-sys-net/core/odd', text: 'a\0b\n' },
    ]);
    expect(set.values).toEqual({ 'net.netfilter.nf_log.2': 'NONE SECOND', 'net.core.odd': 'ab' });
  });

  it('is empty for no files', () => {
    expect(synthesiseSysctlSet('x', [])).toEqual({
      set: { locator: { artifact: 'x' }, values: {}, lines: {} },
      text: '',
      sources: {},
    });
  });
});
