import { execFileSync } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import { collect, createScratch, hasTool, systemZip, type Scratch } from './testing/fixtures.js';
import { buildOverlappingZip, buildZip } from './testing/zip-writer.js';

const withZip = requirement('the zip command', hasTool('zip'));

async function refusal(promise: Promise<unknown>): Promise<BundleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}

describe('unpackBundle on zip', () => {
  let scratch: Scratch;

  beforeEach(async () => {
    scratch = await createScratch();
  });
  afterEach(async () => {
    await scratch.dispose();
  });

  /** The same small bundle, from the zip binary when installed, else from the test writer. */
  async function happyZip(): Promise<string> {
    const files = {
      'node-a/ss.txt': Buffer.from('State Recv-Q Send-Q\n'.repeat(50)),
      'node-a/conntrack.txt': Buffer.from('tcp 6 431999 ESTABLISHED\n'),
      'capture.pcap.gz': gzipSync(Buffer.from('pcap bytes')),
    };
    const output = scratch.path('bundle.zip');
    if (withZip) {
      for (const [name, data] of Object.entries(files)) await scratch.file(`src/${name}`, data);
      execFileSync('mkdir', ['-p', scratch.path('src/empty-dir')]);
      systemZip(scratch.path('src'), output, [...Object.keys(files), 'empty-dir']);
    } else {
      const members = Object.entries(files).map(([name, data]) => ({
        name,
        data,
        method: 'deflate' as const,
      }));
      await scratch.file(
        'bundle.zip',
        buildZip([...members, { name: 'empty-dir/', unixMode: 0o040755 }]),
      );
    }
    return output;
  }

  it('should stream every file in central directory order, decompressing a nested .gz', async () => {
    const { summary, entries } = await collect(await happyZip(), 'bundle.zip');
    expect(summary).toMatchObject({ format: 'zip', entries: 3, skipped: [] });
    expect(entries.map((entry) => [entry.path, entry.bytes])).toEqual([
      ['node-a/ss.txt', 1000],
      ['node-a/conntrack.txt', 25],
      ['capture.pcap', 10],
    ]);
    expect(entries[0]?.declaredSize).toBe(1000);
    expect(entries[2]).toMatchObject({ text: 'pcap bytes', declaredSize: undefined });
  });

  it('should accept an empty zip', async () => {
    const { summary } = await collect(await scratch.file('empty.zip', buildZip([])), 'empty.zip');
    expect(summary).toEqual({ format: 'zip', entries: 0, totalBytes: 0, skipped: [] });
  });

  it('should keep duplicate names under a ~2 suffix', async () => {
    const zip = buildZip([
      { name: 'ss.txt', data: Buffer.from('one') },
      { name: 'ss.txt', data: Buffer.from('two'), method: 'deflate' },
    ]);
    const { entries } = await collect(await scratch.file('dup.zip', zip), 'dup.zip');
    expect(entries.map((entry) => [entry.path, entry.text])).toEqual([
      ['ss.txt', 'one'],
      ['ss~2.txt', 'two'],
    ]);
  });

  it.each([
    ['../evil', BundleErrorCode.PathTraversal],
    ['node-a/../../evil', BundleErrorCode.PathTraversal],
    ['/etc/passwd', BundleErrorCode.AbsolutePath],
    ['C:/Windows/evil', BundleErrorCode.AbsolutePath],
    ['..\\evil', BundleErrorCode.PathTraversal],
    ['node-a\\ss.txt', BundleErrorCode.InvalidPath],
  ])('should refuse the member %j (zip slip)', async (name, code) => {
    const zip = buildZip([
      { name: 'fine.txt', data: Buffer.from('ok') },
      { name, data: Buffer.from('pwned') },
    ]);
    const error = await refusal(collect(await scratch.file('slip.zip', zip), 'slip.zip'));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`slip.zip: entry ${JSON.stringify(name)}`);
  });

  it('should refuse a symlink entry', async () => {
    const zip = buildZip([
      { name: 'passwd', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 },
    ]);
    const error = await refusal(collect(await scratch.file('link.zip', zip), 'link.zip'));
    expect(error.code).toBe(BundleErrorCode.LinkEntry);
    expect(error.message).toBe(
      'link.zip: entry "passwd" is a symbolic link; links are not allowed',
    );
  });

  it.skipIf(!withZip)('should refuse a symlink stored by zip -y', async () => {
    await scratch.file('src/real.txt', 'data');
    await symlink('/etc/passwd', scratch.path('src/passwd'));
    systemZip(scratch.path('src'), scratch.path('link.zip'), ['real.txt', 'passwd']);
    const error = await refusal(collect(scratch.path('link.zip'), 'link.zip'));
    expect(error.code).toBe(BundleErrorCode.LinkEntry);
  });

  it('should refuse an encrypted entry', async () => {
    const zip = buildZip([
      { name: 'secret.txt', data: Buffer.alloc(24, 1), uncompressedSize: 12, flags: 0x1 },
    ]);
    const error = await refusal(collect(await scratch.file('enc.zip', zip), 'enc.zip'));
    expect(error.code).toBe(BundleErrorCode.EncryptedEntry);
    expect(error.message).toContain('"secret.txt" is encrypted');
  });

  it.skipIf(!withZip)('should refuse an entry encrypted by zip -P', async () => {
    await scratch.file('src/secret.txt', 'classified');
    execFileSync('zip', ['-q', '-P', 'hunter2', scratch.path('enc.zip'), 'secret.txt'], {
      cwd: scratch.path('src'),
    });
    const error = await refusal(collect(scratch.path('enc.zip'), 'enc.zip'));
    expect(error.code).toBe(BundleErrorCode.EncryptedEntry);
  });

  it('should refuse overlapping entries (non-recursive zip bomb)', async () => {
    const zip = buildOverlappingZip(Buffer.alloc(64 * 1024), 50);
    const error = await refusal(collect(await scratch.file('overlap.zip', zip), 'overlap.zip'));
    expect(error.code).toBe(BundleErrorCode.OverlappingEntries);
    expect(error.message).toContain('entries "kernel-0" and "kernel-1" overlap');
  });

  it('should refuse by declared size before reading, and by counted bytes while reading', async () => {
    const zip = buildZip([{ name: 'big.bin', data: Buffer.alloc(5000, 1), method: 'deflate' }]);
    const path = await scratch.file('big.zip', zip);
    expect((await refusal(collect(path, 'big.zip', { maxEntryBytes: 4000 }))).code).toBe(
      BundleErrorCode.EntryTooLarge,
    );
    expect((await refusal(collect(path, 'big.zip', { maxTotalBytes: 4000 }))).code).toBe(
      BundleErrorCode.TotalTooLarge,
    );
    const lying = buildZip([
      { name: 'small.bin.gz', data: gzipSync(Buffer.alloc(50_000)), method: 'deflate' },
    ]);
    const nested = await refusal(
      collect(await scratch.file('lying.zip', lying), 'lying.zip', { maxEntryBytes: 10_000 }),
    );
    expect(nested.code).toBe(BundleErrorCode.EntryTooLarge);
  });

  it('should stop a member that expands beyond the compression ratio', async () => {
    const zip = buildZip([
      { name: 'zeros.bin', data: Buffer.alloc(16 * 1024 * 1024), method: 'deflate' },
    ]);
    const error = await refusal(collect(await scratch.file('bomb.zip', zip), 'bomb.zip'));
    expect(error.code).toBe(BundleErrorCode.CompressionRatio);
    expect(error.message).toContain('"zeros.bin"');
  });

  it('should refuse more entries than maxEntries from the central directory count', async () => {
    const zip = buildZip(['a', 'b', 'c'].map((name) => ({ name, data: Buffer.from(name) })));
    const error = await refusal(
      collect(await scratch.file('many.zip', zip), 'many.zip', { maxEntries: 2 }),
    );
    expect(error.code).toBe(BundleErrorCode.TooManyEntries);
  });

  it('should report a zip cut short as truncated or corrupt', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: Buffer.from('a'.repeat(3000)), method: 'deflate' },
      { name: 'b.txt', data: Buffer.from('b'.repeat(3000)) },
    ]);
    for (const cut of [4, 30, 200, Math.floor(zip.length / 2), zip.length - 30, zip.length - 1]) {
      const path = await scratch.file(`cut-${cut}.zip`, zip.subarray(0, cut));
      const error = await refusal(collect(path, 'cut.zip'));
      expect
        .soft([BundleErrorCode.Truncated, BundleErrorCode.Corrupt], `cut at ${cut}`)
        .toContain(error.code);
      expect
        .soft(error.message, `cut at ${cut}`)
        .toMatch(/^cut\.zip(@\d+)?: zip is (truncated|corrupt)/);
    }
  });

  it('should report a bad central directory with its offset', async () => {
    const zip = buildZip([{ name: 'a.txt', data: Buffer.from('aaa') }]);
    const broken = Buffer.from(zip);
    const directory = broken.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    broken.writeUInt32LE(0xdeadbeef, directory);
    const error = await refusal(collect(await scratch.file('cd.zip', broken), 'cd.zip'));
    expect(error.code).toBe(BundleErrorCode.Corrupt);
    expect(error.message).toMatch(
      new RegExp(`^cd\\.zip@${directory}: zip is corrupt: invalid central directory`),
    );
  });

  it('should refuse data that does not match its CRC-32', async () => {
    const zip = buildZip([{ name: 'a.txt', data: Buffer.from('hello'), crc32: 1234 }]);
    const error = await refusal(collect(await scratch.file('crc.zip', zip), 'crc.zip'));
    expect(error.code).toBe(BundleErrorCode.Corrupt);
    expect(error.message).toContain('"a.txt" fails its CRC-32 check');
  });

  it('should skip members with an unsupported compression method', async () => {
    const zip = Buffer.from(
      buildZip([
        { name: 'a.bz2', data: Buffer.from('xx') },
        { name: 'b.txt', data: Buffer.from('ok') },
      ]),
    );
    const directory = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(12, directory + 10);
    const { summary, entries } = await collect(await scratch.file('bz.zip', zip), 'bz.zip');
    expect(entries.map((entry) => entry.path)).toEqual(['b.txt']);
    expect(summary.skipped).toEqual([
      { path: 'a.bz2', reason: 'unsupported zip compression method 12' },
    ]);
  });
});
