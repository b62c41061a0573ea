import { describe, expect, it } from 'vitest';
import { ipv4Bytes, ipv6Bytes, macBytes } from './ip-bytes.js';

describe('address bytes', () => {
  it('reads IPv4, IPv6 (with and without ::) and MAC addresses', () => {
    expect([...ipv4Bytes('10.77.1.2')]).toEqual([10, 77, 1, 2]);
    expect([...ipv6Bytes('fd00:77:1::2')]).toEqual([
      0xfd,
      0,
      0,
      0x77,
      0,
      1,
      ...new Array<number>(9).fill(0),
      2,
    ]);
    expect([...ipv6Bytes('::')]).toEqual(new Array<number>(16).fill(0));
    expect([...ipv6Bytes('1:2:3:4:5:6:7:8')]).toEqual([
      0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8,
    ]);
    expect([...macBytes('02:77:00:00:01:0a')]).toEqual([2, 0x77, 0, 0, 1, 10]);
  });

  it('refuses what is not an address', () => {
    expect(() => ipv4Bytes('10.77.1')).toThrow(TypeError);
    expect(() => ipv4Bytes('10.77.1.256')).toThrow(TypeError);
    expect(() => ipv6Bytes('1::2::3')).toThrow(TypeError);
    expect(() => ipv6Bytes('1:2:3:4:5:6:7:8:9')).toThrow(TypeError);
    expect(() => macBytes('02:77')).toThrow(TypeError);
  });
});
