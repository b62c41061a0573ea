import { describe, expect, it } from 'vitest';
import {
  compileInterfaceMatcher,
  inPortRanges,
  parseIcmpType,
  parseMarkValue,
  parseNumberRange,
  parsePortList,
  parsePortRange,
  parseTcpFlags,
  protocolNumber,
} from './match-values.js';

describe('match values', () => {
  it('protocols by name or number', () => {
    expect(protocolNumber('tcp')).toBe(6);
    expect(protocolNumber('UDP')).toBe(17);
    expect(protocolNumber('ipv6-icmp')).toBe(58);
    expect(protocolNumber('all')).toBe(0);
    expect(protocolNumber('132')).toBe(132);
    expect(protocolNumber('nonsense')).toBeUndefined();
  });

  it('port ranges as iptables writes them', () => {
    expect(parsePortRange('80')).toEqual({ min: 80, max: 80 });
    expect(parsePortRange('1024:65535')).toEqual({ min: 1024, max: 65535 });
    expect(parsePortRange(':1023')).toEqual({ min: 0, max: 1023 });
    expect(parsePortRange('1024:')).toEqual({ min: 1024, max: 65535 });
    expect(parsePortRange('9000:8000')).toEqual({ min: 8000, max: 9000 });
    expect(parsePortRange('https')).toEqual({ min: 443, max: 443 });
    expect(parsePortRange('70000')).toBeUndefined();
  });

  it('multiport lists', () => {
    const ranges = parsePortList('80,443,8000:8080')!;
    expect([79, 80, 443, 8000, 8080, 8081].map((p) => inPortRanges(ranges, p))).toEqual([
      false, true, true, true, true, false,
    ]); // prettier-ignore
    expect(parsePortList('80,x')).toBeUndefined();
  });

  it('tcp flags: mask and comparison', () => {
    expect(parseTcpFlags('FIN,SYN,RST,ACK SYN')).toEqual({ mask: 0x17, comp: 0x02 });
    expect(parseTcpFlags('ALL NONE')).toEqual({ mask: 0x3f, comp: 0 });
    expect(parseTcpFlags('SYN,RST SYN')).toEqual({ mask: 0x06, comp: 0x02 });
    expect(parseTcpFlags('SYN')).toBeUndefined();
    expect(parseTcpFlags('SYN,BOGUS SYN')).toBeUndefined();
  });

  it('marks with and without a mask', () => {
    expect(parseMarkValue('0x4000/0x4000')).toEqual({ value: 0x4000, mask: 0x4000 });
    expect(parseMarkValue('0x1')).toEqual({ value: 1, mask: 0xffffffff });
    expect(parseMarkValue('16/255')).toEqual({ value: 16, mask: 255 });
    expect(parseMarkValue('0x1ffffffff')).toBeUndefined();
  });

  it('interface names with the + wildcard', () => {
    const veth = compileInterfaceMatcher('veth+');
    expect([veth('veth0'), veth('veth'), veth('eth0'), veth(undefined)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    const any = compileInterfaceMatcher('+');
    expect([any('lo'), any(undefined)]).toEqual([true, true]);
    const exact = compileInterfaceMatcher('eth0');
    expect([exact('eth0'), exact('eth01')]).toEqual([true, false]);
  });

  it('uid ranges and ICMP types', () => {
    expect(parseNumberRange('1337')).toEqual({ min: 1337, max: 1337 });
    expect(parseNumberRange('1000-1999')).toEqual({ min: 1000, max: 1999 });
    expect(parseNumberRange('istio-proxy')).toBeUndefined();
    expect(parseIcmpType('8', 4)).toEqual({ type: 8 });
    expect(parseIcmpType('3/3', 4)).toEqual({ type: 3, code: 3 });
    expect(parseIcmpType('echo-request', 6)).toEqual({ type: 128 });
    expect(parseIcmpType('port-unreachable', 4)).toEqual({ type: 3, code: 3 });
    expect(parseIcmpType('any', 4)).toEqual({ type: -1 });
    expect(parseIcmpType('bogus', 4)).toBeUndefined();
  });
});
