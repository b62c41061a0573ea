import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { keyFromPath } from './sysctl-line.js';
import { sysctlParser } from './sysctl.parser.js';

const shared = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const parse = (text: string) => parseText(sysctlParser, text, 'sysctl.txt');

describe('sysctlParser over real dumps', () => {
  it('reads sysctl -a, values verbatim (tabs, spaces, empty)', () => {
    const { value, issues } = parse(shared('sysctl/a-trimmed.txt'));
    expect(issues).toEqual([]);
    expect(Object.keys(value.values)).toHaveLength(552);
    expect(value.values['net.ipv4.ip_local_port_range']).toBe('32768\t60999');
    expect(value.values['net.ipv4.tcp_allowed_congestion_control']).toBe('reno bbr');
    expect(value.values['kernel.panic_sys_info']).toBe('');
    expect(value.values['kernel.hostname']).toBe('node-1');
    expect(value.lines['net.ipv4.tcp_keepalive_time']).toBe(422);
    expect(value.locator).toEqual({ artifact: 'sysctl.txt', line: 1 });
  });

  it('reads sysctl net from a namespace', () => {
    const { value, issues } = parse(shared('sysctl/net-in-netns.txt'));
    expect(issues).toEqual([]);
    expect(Object.keys(value.values)).toHaveLength(147);
    expect(value.values['net.netfilter.nf_conntrack_tcp_be_liberal']).toBe('0');
    expect(value.lines['net.netfilter.nf_conntrack_tcp_be_liberal']).toBe(119);
    expect(value.values['net.netfilter.nf_conntrack_max']).toBe('262144');
  });

  it('reports a key sysctl could not read, keeping the others', () => {
    const outcome = parse(shared('sysctl/picked-keys-with-missing-key.txt'));
    expect(outcome.status).toBe('partial');
    expect(Object.keys(outcome.value.values)).toHaveLength(8);
    expect(outcome.issues).toEqual([
      {
        locator: { artifact: 'sysctl.txt', line: 9 },
        code: 'TOOL_ERROR',
        message:
          'sysctl: cannot stat /proc/sys/net/netfilter/nf_conntrack_tcp_no_such_key: No such file or directory',
      },
    ]);
  });

  it('reads grep -r . /proc/sys output under dotted keys', () => {
    const { value, issues } = parse(shared('sysctl/proc-sys-grep.txt'));
    expect(issues).toEqual([]);
    expect(value.values['net.netfilter.nf_conntrack_count']).toBe('18');
    expect(value.values['net.netfilter.nf_conntrack_tcp_timeout_established']).toBe('432000');
    expect(value.lines['net.netfilter.nf_conntrack_tcp_timeout_established']).toBe(31);
  });
});

describe('sysctlParser edge cases', () => {
  it('reads key=value files, comments, head-style dumps and later values winning', () => {
    const { value, issues } = parse(
      '# /etc/sysctl.d/99-k8s.conf\n; old style comment\nnet.ipv4.ip_forward=1\nnet.core.somaxconn = 1024\n' +
        '==> /proc/sys/net/ipv4/tcp_fin_timeout <==\n60\n\n==> /proc/sys/net/ipv4/conf/eth0.100/rp_filter <==\n2\n' +
        'net.core.somaxconn = 4096\n',
    );
    expect(issues).toEqual([]);
    expect(value.values).toEqual({
      'net.ipv4.ip_forward': '1',
      'net.core.somaxconn': '4096',
      'net.ipv4.tcp_fin_timeout': '60',
      'net.ipv4.conf.eth0/100.rp_filter': '2',
    });
    expect(value.lines['net.core.somaxconn']).toBe(10);
    expect(value.lines['net.ipv4.tcp_fin_timeout']).toBe(6);
  });

  it('reports permission and read errors of sysctl -a and lines that are not settings', () => {
    const outcome = parse(
      'sysctl: permission denied on key "net.ipv4.tcp_fastopen_key"\nsysctl: reading key "net.ipv6.conf.all.stable_secret"\nnot a setting\n= 5\nvm.swappiness = 60\n',
    );
    expect(outcome.value.values).toEqual({ 'vm.swappiness': '60' });
    expect(outcome.issues.map((issue) => [issue.locator.line, issue.code])).toEqual([
      [1, 'TOOL_ERROR'],
      [2, 'TOOL_ERROR'],
      [3, 'UNPARSEABLE_LINE'],
      [4, 'UNPARSEABLE_LINE'],
    ]);
  });

  it('keeps keys such as __proto__ and constructor as plain data', () => {
    const { value } = parse('net.__proto__.x = 1\nconstructor.prototype = 2\n');
    expect(value.values['net.__proto__.x']).toBe('1');
    expect(value.values['constructor.prototype']).toBe('2');
    expect(Object.getPrototypeOf(value.values)).toBeNull();
  });

  it('honours maxItems over distinct keys', () => {
    const outcome = parseText(
      sysctlParser,
      'a.b = 1\na.c = 2\na.b = 3\na.d = 4\na.e = 5\n',
      's.txt',
      { maxItems: 2 },
    );
    expect(outcome.value.values).toEqual({ 'a.b': '3', 'a.c': '2' });
    expect(outcome.issues).toEqual([
      {
        locator: { artifact: 's.txt', line: 4 },
        code: 'TOO_MANY_ITEMS',
        message: '2 keys beyond the limit of 2 were counted, not kept',
      },
    ]);
  });

  it('maps /proc/sys paths to the keys sysctl prints', () => {
    expect(keyFromPath('/proc/sys/net/ipv4/tcp_keepalive_time')).toBe(
      'net.ipv4.tcp_keepalive_time',
    );
    expect(keyFromPath('/proc/sys/net/ipv4/conf/eth0.100/rp_filter')).toBe(
      'net.ipv4.conf.eth0/100.rp_filter',
    );
    expect(keyFromPath('/proc/sys/')).toBeUndefined();
    expect(keyFromPath('/etc/passwd')).toBeUndefined();
  });
});
