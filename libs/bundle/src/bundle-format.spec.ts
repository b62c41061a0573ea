import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectBundleFormat } from './bundle-format.js';
import { buildTar } from './testing/fixtures.js';
import { buildZip } from './testing/zip-writer.js';

describe(detectBundleFormat.name, () => {
  it('should recognise archives by content whatever their name', async () => {
    const tar = await buildTar([{ name: 'ss.txt', data: 'State\n' }]);
    expect(detectBundleFormat(tar, 'upload.bin')).toBe('tar');
    expect(detectBundleFormat(gzipSync(tar), 'upload.bin')).toBe('tar.gz');
    expect(detectBundleFormat(gzipSync('plain text'), 'bundle.tgz')).toBe('gzip');
    expect(detectBundleFormat(buildZip([{ name: 'a', data: Buffer.from('x') }]), 'x.tgz')).toBe(
      'zip',
    );
    expect(detectBundleFormat(buildZip([]), 'empty')).toBe('zip');
    expect(detectBundleFormat(Buffer.from('State Recv-Q Send-Q\n'), 'ss.txt')).toBe('plain');
  });

  it('should accept an old-style tar header by its checksum alone', async () => {
    const tar = await buildTar([{ name: 'ss.txt', data: 'State\n' }]);
    const v7 = Buffer.from(tar);
    v7.fill(0, 257, 265);
    let sum = 0;
    v7.fill(0x20, 148, 156);
    for (let index = 0; index < 512; index += 1) sum += v7[index] ?? 0;
    v7.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    expect(detectBundleFormat(v7, 'upload.bin')).toBe('tar');
    v7[0] = (v7[0] ?? 0) + 1;
    expect(detectBundleFormat(v7, 'upload.bin')).toBe('plain');
  });

  it('should use the name only to break ties', () => {
    const zeros = Buffer.alloc(10_240);
    expect(detectBundleFormat(zeros, 'empty.tar')).toBe('tar');
    expect(detectBundleFormat(zeros, 'zeros.bin')).toBe('plain');
    expect(detectBundleFormat(gzipSync(zeros), 'empty.tgz')).toBe('tar.gz');
    expect(detectBundleFormat(gzipSync(zeros), 'zeros.gz')).toBe('gzip');
    expect(detectBundleFormat(Buffer.from('not really'), 'bundle.zip')).toBe('zip');
    expect(detectBundleFormat(gzipSync(zeros).subarray(0, 12), 'x.tar.gz')).toBe('tar.gz');
    expect(detectBundleFormat(Buffer.alloc(0), 'empty')).toBe('plain');
  });
});
