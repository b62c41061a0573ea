import { describe, expect, it } from 'vitest';
import { canonicalIp, formatIpv6, parseIpv6 } from '../shared/ip-address.js';
import { parseSocketAddress } from './socket-address.js';
import { parseNetstatTimer, parseSsDuration, parseSsTimer } from './socket-timer.js';
import fc from 'fast-check';

describe(parseSocketAddress.name, () => {
  it.each([
    ['10.0.0.1:80', { ip: '10.0.0.1', port: 80, anyHost: false }],
    ['*:*', { ip: '0.0.0.0', port: undefined, anyHost: true }],
    ['0.0.0.0:*', { ip: '0.0.0.0', port: undefined, anyHost: true }],
    ['[::]:22', { ip: '::', port: 22, anyHost: true }],
    [':::22', { ip: '::', port: 22, anyHost: true }],
    ['[::ffff:10.0.0.1]:80', { ip: '10.0.0.1', port: 80, anyHost: false }],
    ['::ffff:10.244.1.5:8080', { ip: '10.244.1.5', port: 8080, anyHost: false }],
    ['[FD00:0:0::1]:443', { ip: 'fd00::1', port: 443, anyHost: false }],
    ['[fe80::1%eth0]:80', { ip: 'fe80::1', port: 80, anyHost: false, device: 'eth0' }],
    ['[fe80::1]%eth0:546', { ip: 'fe80::1', port: 546, anyHost: false, device: 'eth0' }],
    ['10.0.0.1%lo:53', { ip: '10.0.0.1', port: 53, anyHost: false, device: 'lo' }],
    ['*%eth0:68', { ip: '0.0.0.0', port: 68, anyHost: true, device: 'eth0' }],
    ['10.0.0.1:https', { ip: '10.0.0.1', port: 443, anyHost: false }],
  ])('reads %s', (token, expected) => {
    expect(parseSocketAddress(token)).toEqual(expected);
  });

  it.each([
    '10.0.0.1',
    '10.0.0.1:',
    '10.0.0.1:65536',
    '10.0.0.1:constructor',
    'host:80',
    '[fe80::1:80',
    '999.1.1.1:1',
  ])('names what is wrong with %s', (token) => {
    expect(typeof parseSocketAddress(token)).toBe('string');
  });
});

describe(canonicalIp.name, () => {
  it.each([
    ['fd77:0000:0000:0000:0000:0000:0000:0001', 'fd77::1'],
    ['2001:DB8::0:1', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['::ffff:0a00:0001', '::ffff:10.0.0.1'],
    ['::10.0.0.1', '::10.0.0.1'],
    ['10.0.0.1', '10.0.0.1'],
    ['010.000.000.001', '10.0.0.1'],
  ])('%s → %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });

  it.each(['1::2::3', '12345::1', '1:2:3:4:5:6:7:8:9', '256.0.0.1', '1.2.3', 'g::1', ':'])(
    'rejects %s',
    (text) => {
      expect(canonicalIp(text)).toBeUndefined();
    },
  );

  it('round-trips any eight words, compressing as the URL standard does outside IPv4 tails', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0x1234), { minLength: 8, maxLength: 8 }),
        (words) => {
          const text = formatIpv6(words);
          expect(parseIpv6(text)).toEqual(words);
          if (!text.includes('.'))
            expect(text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
        },
      ),
    );
  });
});

describe('timers', () => {
  it.each([
    ['500ms', 500],
    ['1.012ms', 1012],
    ['25sec', 25_000],
    ['7min14sec', 434_000],
    ['119min', 7_140_000],
    ['-1.5ms', -1005],
  ])('ss duration %s is %d ms', (text, ms) => {
    expect(parseSsDuration(text)).toBe(ms);
  });

  it.each(['', 'min', '5', '5h', '1.'])('ss duration "%s" is unreadable', (text) => {
    expect(parseSsDuration(text)).toBeUndefined();
  });

  it('reads ss timers with and without their retransmit count', () => {
    expect(parseSsTimer('(on,200ms,2)')).toEqual({ name: 'on', expiresMs: 200, retransmits: 2 });
    expect(parseSsTimer('(keepalive,2min)')).toEqual({ name: 'keepalive', expiresMs: 120_000 });
    expect(parseSsTimer('(on,soon,2)')).toBeUndefined();
  });

  it('reads netstat timers', () => {
    expect(parseNetstatTimer('on (0.20/3/0)')).toEqual({
      name: 'on',
      expiresMs: 200,
      retransmits: 3,
    });
    expect(parseNetstatTimer('probe (1.76/0/0)')).toEqual({
      name: 'persist',
      expiresMs: 1760,
      retransmits: 0,
    });
    expect(parseNetstatTimer('later (1/2)')).toBeUndefined();
  });
});
