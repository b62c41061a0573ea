import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectPackedData } from './packed-data.detector.js';

describe('detectPackedData', () => {
  it('names gzip data, such as a rotated log inside a bundle', () => {
    const gz = new Uint8Array(
      readFileSync(
        new URL('../__fixtures__/unknown/gzip-compressed-conntrack.txt.gz', import.meta.url),
      ),
    );
    expect(detectPackedData(gz)).toMatchObject({
      kind: 'unknown',
      reason: 'gzip-compressed data: unpack it first',
    });
  });

  it.each([
    [[0x50, 0x4b, 0x03, 0x04], 'zip archive'],
    [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
    [[0x34, 0xcd, 0xb2, 0xa1], 'editcap'],
  ])('names %j', (bytes, reason) => {
    expect(detectPackedData(Uint8Array.from(bytes))?.reason).toContain(reason);
  });

  it('finds a tar header at offset 257', () => {
    const tar = new Uint8Array(512);
    tar.set(new TextEncoder().encode('ustar'), 257);
    expect(detectPackedData(tar)?.reason).toContain('tar archive');
  });

  it('ignores other data', () => {
    expect(detectPackedData(Uint8Array.from([0x1f]))).toBeUndefined();
    expect(detectPackedData(new Uint8Array(300))).toBeUndefined();
  });
});
