import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6Bytes } from './ip-address.js';

function bytes(text: string): Uint8Array {
  // Expand the textual form by hand (the test must not reuse the code under test).
  const [head = '', tail = ''] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const expand = (list: string[]) =>
    list.flatMap((group) => {
      if (!group.includes('.')) return [parseInt(group, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  const left = expand(groups(head));
  const right = expand(groups(tail));
  const words = text.includes('::')
    ? [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
    : left;
  return new Uint8Array(words.flatMap((w) => [w >> 8, w & 255]));
}

describe('IPv6 formatting', () => {
  // Expected values printed by glibc's inet_ntop (via Python's socket.inet_ntop) on this host.
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['fd70:2::2', 'fd70:2::2'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['::10.1.2.3', '::10.1.2.3'],
    ['1::', '1::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['fe80::2481:71ff:fe50:4cf5', 'fe80::2481:71ff:fe50:4cf5'],
    ['0:0:0:0:0:1:0:0', '::1:0:0'],
    ['::ffff:0:0', '::ffff:0.0.0.0'],
  ])('%s prints as %s', (input, expected) => {
    expect(formatIpv6Bytes(bytes(input))).toBe(expected);
  });
});

describe(formatIpv4.name, () => {
  it('should print unsigned dotted quads', () => {
    expect(formatIpv4(0x0a460202)).toBe('10.70.2.2');
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
    expect(formatIpv4(0)).toBe('0.0.0.0');
  });
});
