import { describe, expect, it } from 'vitest';
import {
  addressKey,
  compareIpAddress,
  formatIpAddress,
  parseAddressPrefix,
  parseIpAddress,
  prefixContains,
} from './ip-address.js';

const ip = (text: string) => {
  const parsed = parseIpAddress(text);
  if (!parsed) throw new Error(`unparsable ${text}`);
  return parsed;
};

describe('parseIpAddress', () => {
  it('reads IPv4 into one word', () => {
    expect(ip('10.96.0.20')).toEqual({ family: 4, words: [0x0a600014] });
    expect(ip('255.255.255.255').words[0]).toBe(0xffffffff);
  });

  it('refuses malformed IPv4', () => {
    for (const text of ['10.0.0', '10.0.0.256', '1.2.3.4.5', '1..2.3', 'a.b.c.d', '', '1234.1.1.1'])
      expect(parseIpAddress(text), text).toBeUndefined();
  });

  it('reads IPv6 with ::, embedded IPv4, brackets and zones', () => {
    expect(ip('::').words).toEqual([0, 0, 0, 0]);
    expect(ip('::1').words).toEqual([0, 0, 0, 1]);
    expect(ip('fd00:244::5').words).toEqual([0xfd000244, 0, 0, 5]);
    expect(ip('[fd77::2]').words).toEqual([0xfd770000, 0, 0, 2]);
    expect(ip('::ffff:10.0.0.1').words).toEqual([0, 0, 0xffff, 0x0a000001]);
    expect(ip('fe80::1%eth0').words).toEqual([0xfe800000, 0, 0, 1]);
    expect(ip('1:2:3:4:5:6:7:8').words).toEqual([0x10002, 0x30004, 0x50006, 0x70008]);
  });

  it('refuses malformed IPv6', () => {
    for (const text of [
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      'fd00:',
      'g::1',
      '1:2:3:4:5:6:7',
    ])
      expect(parseIpAddress(text), text).toBeUndefined();
  });

  it('gives one key for every spelling of an address', () => {
    expect(addressKey(ip('fd77::1'))).toBe(addressKey(ip('fd77:0:0::0:1')));
    expect(addressKey(ip('10.0.0.1'))).not.toBe(addressKey(ip('::a00:1')));
  });
});

describe('formatIpAddress', () => {
  it('writes the canonical short form', () => {
    for (const text of [
      '10.244.3.7',
      'fd00:244::5',
      '::1',
      '::',
      '2001:db8::1:0:0:1',
      '1:2:3:4:5:6:7:8',
    ])
      expect(formatIpAddress(ip(text))).toBe(text);
    expect(formatIpAddress(ip('fd00:0:0:0:0:0:0:5'))).toBe('fd00::5');
  });
});

describe('prefixes', () => {
  it('contain the addresses under their mask, by length or dotted mask', () => {
    const cluster = parseAddressPrefix('10.244.0.0/16')!;
    expect(prefixContains(cluster, ip('10.244.9.9'))).toBe(true);
    expect(prefixContains(cluster, ip('10.245.0.1'))).toBe(false);
    const dotted = parseAddressPrefix('10.0.0.0/255.0.0.0')!;
    expect(prefixContains(dotted, ip('10.1.2.3'))).toBe(true);
    const host = parseAddressPrefix('10.96.0.20')!;
    expect(prefixContains(host, ip('10.96.0.20'))).toBe(true);
    expect(prefixContains(host, ip('10.96.0.21'))).toBe(false);
    expect(prefixContains(parseAddressPrefix('0.0.0.0/0')!, ip('1.2.3.4'))).toBe(true);
  });

  it('work across IPv6 word boundaries and never across families', () => {
    const p = parseAddressPrefix('fd00:244::/33')!;
    expect(prefixContains(p, ip('fd00:244:7fff::1'))).toBe(true);
    expect(prefixContains(p, ip('fd00:244:8000::1'))).toBe(false);
    expect(prefixContains(parseAddressPrefix('::/0')!, ip('10.0.0.1'))).toBe(false);
  });

  it('refuse lengths past the family size and host names', () => {
    expect(parseAddressPrefix('10.0.0.0/33')).toBeUndefined();
    expect(parseAddressPrefix('example.com/32')).toBeUndefined();
  });
});

describe('compareIpAddress', () => {
  it('orders addresses numerically', () => {
    expect(compareIpAddress(ip('10.0.0.9'), ip('10.0.0.10'))).toBe(-1);
    expect(compareIpAddress(ip('fd00::2'), ip('fd00::1'))).toBe(1);
    expect(compareIpAddress(ip('fd00::1'), ip('fd00:0::1'))).toBe(0);
  });
});
