import { describe, expect, it } from 'vitest';
import { parseEndpoint } from './endpoint-text.js';
import { canonicalIp } from './ip-address.js';

describe(canonicalIp.name, () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['fd78:0000:0000:0000:0000:0000:0000:0001', 'fd78::1'],
    ['FD77::2', 'fd77::2'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it.each(['10.0.0', '10.0.0.256', '1:2:3', 'fd::1::2', 'x.y.z.w', '', '1:2:3:4:5:6:7:8:9'])(
    'rejects %s',
    (input) => {
      expect(canonicalIp(input)).toBeUndefined();
    },
  );
});

describe(parseEndpoint.name, () => {
  it('reads IPv4 and bracketed IPv6 endpoints and refuses the rest', () => {
    expect(parseEndpoint('10.244.1.5:43210')).toEqual({ ip: '10.244.1.5', port: 43210 });
    expect(parseEndpoint('[fd77:0::2]:8080')).toEqual({ ip: 'fd77::2', port: 8080 });
    expect(parseEndpoint('10.0.0.1:70000')).toBeUndefined();
    expect(parseEndpoint('-')).toBeUndefined();
  });
});
