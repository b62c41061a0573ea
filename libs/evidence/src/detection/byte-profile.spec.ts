import { describe, expect, it } from 'vitest';
import { PROFILED_BYTES, profileBytes } from './byte-profile.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('profileBytes', () => {
  it('accepts ASCII and UTF-8 text, tabs, CRLF and colour escapes', () => {
    expect(
      profileBytes(utf8('ESTAB\t0 0 10.0.0.1:1 10.0.0.2:2\r\n\u001b[31mé…连接\u001b[0m\n')).isText,
    ).toBe(true);
  });

  it('accepts a head that ends inside a multi-byte character', () => {
    const bytes = utf8('reset 连');
    expect(profileBytes(bytes.subarray(0, bytes.length - 1)).isText).toBe(true);
    expect(profileBytes(bytes.subarray(0, bytes.length - 2)).isText).toBe(true);
  });

  it('tolerates a stray Latin-1 byte in a long log but not dense invalid bytes', () => {
    const log = utf8('2026-01-14 10:21:07 ERROR connection reset by peer\n'.repeat(10));
    log[5] = 0xe9;
    expect(profileBytes(log).isText).toBe(true);
    expect(profileBytes(Uint8Array.from({ length: 512 }, (_, i) => 0x80 + (i % 64))).isText).toBe(
      false,
    );
  });

  it('rejects NUL-dense data, UTF-16 and overlong or surrogate encodings', () => {
    expect(profileBytes(new Uint8Array(64)).isText).toBe(false);
    expect(profileBytes(new Uint8Array(Buffer.from('connection reset', 'utf16le'))).isText).toBe(
      false,
    );
    expect(profileBytes(Uint8Array.from([0xc0, 0xaf, 0xed, 0xa0, 0x80])).oddBytes).toBe(5);
  });

  it('judges only the first PROFILED_BYTES', () => {
    const bytes = new Uint8Array(PROFILED_BYTES + 1000).fill(0x61);
    bytes.fill(0, PROFILED_BYTES);
    expect(profileBytes(bytes)).toEqual({ isText: true, oddBytes: 0, length: PROFILED_BYTES });
  });

  it('calls nothing at all not text', () => {
    expect(profileBytes(new Uint8Array(0)).isText).toBe(false);
  });
});
