import { link, symlink } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import {
  buildTar,
  collect,
  createScratch,
  hasTool,
  systemTar,
  type Scratch,
} from './testing/fixtures.js';
import { retypeTarHeader } from './testing/tar-surgery.js';

const withTar = requirement('the tar command', hasTool('tar'));

async function refusal(promise: Promise<unknown>): Promise<BundleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}

describe('unpackBundle on tar and tar.gz', () => {
  let scratch: Scratch;

  beforeEach(async () => {
    scratch = await createScratch();
  });
  afterEach(async () => {
    await scratch.dispose();
  });

  async function systemBundle(name: string, gzip: boolean): Promise<string> {
    await scratch.file('src/node-a/ss.txt', 'State Recv-Q Send-Q\n');
    await scratch.file('src/node-a/conntrack.txt', 'tcp 6 431999 ESTABLISHED\n');
    await scratch.file('src/capture.pcap.gz', gzipSync(Buffer.from('pcap bytes')));
    const output = scratch.path(name);
    systemTar(scratch.path('src'), output, ['node-a', 'capture.pcap.gz'], gzip);
    return output;
  }

  it.skipIf(!withTar)(
    'should stream a tar.gz made by tar, decompressing a nested .pcap.gz',
    async () => {
      const { summary, entries } = await collect(
        await systemBundle('bundle.tgz', true),
        'bundle.tgz',
      );
      expect(summary).toMatchObject({ format: 'tar.gz', entries: 3, skipped: [] });
      expect(entries.map((entry) => entry.path).sort()).toEqual([
        'capture.pcap',
        'node-a/conntrack.txt',
        'node-a/ss.txt',
      ]);
      const capture = entries.find((entry) => entry.path === 'capture.pcap');
      expect(capture).toMatchObject({ text: 'pcap bytes', declaredSize: undefined });
      expect(entries.find((entry) => entry.path === 'node-a/ss.txt')).toMatchObject({
        text: 'State Recv-Q Send-Q\n',
        declaredSize: 20,
      });
      expect(summary.totalBytes).toBe(20 + 25 + 10);
    },
  );

  it.skipIf(!withTar)('should stream a plain tar made by tar, whatever its name', async () => {
    const { summary, entries } = await collect(
      await systemBundle('upload.bin', false),
      'upload.bin',
    );
    expect(summary.format).toBe('tar');
    expect(entries).toHaveLength(3);
  });

  it('should keep duplicates under a ~2 suffix, in archive order', async () => {
    const tar = await buildTar([
      { name: 'node-a/ss.txt', data: 'first' },
      { name: 'node-a/', type: 'directory' },
      { name: './node-a/ss.txt', data: 'second' },
      { name: 'node-a/ss.txt.gz', data: gzipSync('third') },
    ]);
    const { entries } = await collect(await scratch.file('dup.tar', tar), 'dup.tar');
    expect(entries.map((entry) => [entry.path, entry.text])).toEqual([
      ['node-a/ss.txt', 'first'],
      ['node-a/ss~2.txt', 'second'],
      ['node-a/ss~3.txt', 'third'],
    ]);
  });

  it('should pass a nested archive through as an opaque entry', async () => {
    const inner = await buildTar([{ name: 'inner.txt', data: 'deep' }]);
    const tar = await buildTar([
      { name: 'inner.tar.gz', data: gzipSync(inner) },
      { name: 'double.gz.gz', data: gzipSync(gzipSync('twice')) },
    ]);
    const { entries } = await collect(await scratch.file('outer.tar', tar), 'outer.tar');
    expect(entries.map((entry) => entry.path)).toEqual(['inner.tar', 'double.gz']);
    expect(entries[0]?.bytes).toBe(inner.length);
    expect(entries[1]?.text.startsWith('\x1f')).toBe(true);
  });

  it('should skip members of unknown type and report them', async () => {
    const tar = await buildTar([
      { name: 'label', data: 'volume label' },
      { name: 'ss.txt', data: 'ok' },
    ]);
    const { summary, entries } = await collect(
      await scratch.file('odd.tar', retypeTarHeader(tar, 0, 'V')),
      'odd.tar',
    );
    expect(entries.map((entry) => entry.path)).toEqual(['ss.txt']);
    expect(summary.skipped).toEqual([
      { path: 'label', reason: 'unsupported tar entry type (not a file, directory or link)' },
    ]);
  });

  it.each([
    ['../evil', BundleErrorCode.PathTraversal, 'escapes the bundle (path traversal)'],
    ['node-a/../../evil', BundleErrorCode.PathTraversal, 'path traversal'],
    ['/etc/passwd', BundleErrorCode.AbsolutePath, 'absolute path'],
    ['C:\\evil.txt', BundleErrorCode.AbsolutePath, 'Windows drive letter'],
  ])('should refuse the member %j', async (name, code, text) => {
    const tar = await buildTar([
      { name: 'fine.txt', data: 'ok' },
      { name, data: 'pwned' },
    ]);
    const error = await refusal(collect(await scratch.file('evil.tar', tar), 'evil.tar'));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`evil.tar: entry ${JSON.stringify(name)}`);
    expect(error.message).toContain(text);
  });

  it.skipIf(!withTar)('should refuse symbolic and hard links', async () => {
    await scratch.file('src/real.txt', 'data');
    await symlink('/etc/passwd', scratch.path('src/passwd'));
    systemTar(scratch.path('src'), scratch.path('sym.tar'), ['real.txt', 'passwd'], false);
    const symbolic = await refusal(collect(scratch.path('sym.tar'), 'sym.tar'));
    expect(symbolic.code).toBe(BundleErrorCode.LinkEntry);
    expect(symbolic.message).toContain('"passwd" is a symbolic link to "/etc/passwd"');

    await link(scratch.path('src/real.txt'), scratch.path('src/hard.txt'));
    systemTar(scratch.path('src'), scratch.path('hard.tgz'), ['real.txt', 'hard.txt'], true);
    const hard = await refusal(collect(scratch.path('hard.tgz'), 'hard.tgz'));
    expect(hard.code).toBe(BundleErrorCode.LinkEntry);
    expect(hard.message).toContain('a hard link');
  });

  it.each(['fifo', 'character-device', 'block-device'] as const)(
    'should refuse a %s member',
    async (type) => {
      const tar = await buildTar([{ name: 'dev/thing', type }]);
      const error = await refusal(collect(await scratch.file('dev.tar', tar), 'dev.tar'));
      expect(error.code).toBe(BundleErrorCode.SpecialEntry);
    },
  );

  it('should refuse more members than maxEntries, directories included', async () => {
    const tar = await buildTar([
      { name: 'a/', type: 'directory' },
      { name: 'a/1', data: '1' },
      { name: 'a/2', data: '2' },
    ]);
    const path = await scratch.file('many.tar', tar);
    const error = await refusal(collect(path, 'many.tar', { maxEntries: 2 }));
    expect(error.code).toBe(BundleErrorCode.TooManyEntries);
    expect((await collect(path, 'many.tar', { maxEntries: 3 })).entries).toHaveLength(2);
  });

  it('should refuse paths deeper than maxPathDepth', async () => {
    const tar = await buildTar([{ name: 'a/b/c/d.txt', data: 'deep' }]);
    const error = await refusal(
      collect(await scratch.file('deep.tar', tar), 'deep.tar', { maxPathDepth: 3 }),
    );
    expect(error.code).toBe(BundleErrorCode.PathTooDeep);
  });

  it('should refuse an entry or a bundle over the byte limits', async () => {
    const tar = await buildTar([
      { name: 'a.txt', data: 'x'.repeat(600) },
      { name: 'b.txt', data: 'y'.repeat(600) },
    ]);
    const path = await scratch.file('big.tar', tar);
    const entry = await refusal(collect(path, 'big.tar', { maxEntryBytes: 500 }));
    expect(entry.code).toBe(BundleErrorCode.EntryTooLarge);
    expect(entry.message).toContain('"a.txt"');
    const total = await refusal(collect(path, 'big.tar', { maxTotalBytes: 1000 }));
    expect(total.code).toBe(BundleErrorCode.TotalTooLarge);
    expect(total.message).toContain('"b.txt"');
  });

  it('should apply the entry limit to the decompressed size of a nested .gz', async () => {
    const tar = await buildTar([
      { name: 'capture.pcap.gz', data: gzipSync(Buffer.alloc(4096, 7)) },
    ]);
    const error = await refusal(
      collect(await scratch.file('nested.tar', tar), 'nested.tar', { maxEntryBytes: 1000 }),
    );
    expect(error.code).toBe(BundleErrorCode.EntryTooLarge);
    expect(error.message).toContain('"capture.pcap"');
  });

  it('should stop a tar.gz that expands beyond the compression ratio', async () => {
    const tar = await buildTar([{ name: 'zeros.bin', data: Buffer.alloc(8 * 1024 * 1024) }]);
    const error = await refusal(collect(await scratch.file('bomb.tgz', gzipSync(tar)), 'bomb.tgz'));
    expect(error.code).toBe(BundleErrorCode.CompressionRatio);
    expect(error.message).toMatch(
      /^bomb\.tgz: compression ratio exceeds 200:1 \(archive bomb\).*"zeros\.bin"/,
    );
  });

  it('should stop a nested .gz member that expands beyond the compression ratio', async () => {
    const tar = await buildTar([
      { name: 'capture.pcap.gz', data: gzipSync(Buffer.alloc(16 * 1024 * 1024)) },
    ]);
    const error = await refusal(
      collect(await scratch.file('nested-bomb.tar', tar), 'nested-bomb.tar'),
    );
    expect(error.code).toBe(BundleErrorCode.CompressionRatio);
    expect(error.message).toContain('"capture.pcap"');
  });

  it('should report a tar.gz cut anywhere as truncated', async () => {
    const tar = await buildTar([
      { name: 'node-a/ss.txt', data: 'State\n'.repeat(2000) },
      { name: 'node-b/ss.txt', data: 'Recv-Q\n'.repeat(2000) },
    ]);
    const gz = gzipSync(tar);
    for (const cut of [1, 10, 60, Math.floor(gz.length / 2), gz.length - 8, gz.length - 1]) {
      const path = await scratch.file(`cut-${cut}.tgz`, gz.subarray(0, cut));
      const error = await refusal(collect(path, 'cut.tgz'));
      expect.soft(error.code, `cut at ${cut}`).toBe(BundleErrorCode.Truncated);
      expect.soft(error.message, `cut at ${cut}`).toMatch(/^cut\.tgz(@\d+)?: .*truncated/);
    }
  });

  it('should report a tar cut in the middle of an entry as truncated, naming it', async () => {
    const tar = await buildTar([
      { name: 'first.txt', data: 'a'.repeat(1000) },
      { name: 'second.txt', data: 'b'.repeat(5000) },
    ]);
    const path = await scratch.file('cut.tar', tar.subarray(0, 1536 + 512 + 2000));
    const error = await refusal(collect(path, 'cut.tar'));
    expect(error.code).toBe(BundleErrorCode.Truncated);
    expect(error.message).toBe(
      'cut.tar@4048: tar archive is truncated: it ends inside entry "second.txt" (header at tar offset 1536)',
    );
  });

  it('should report a corrupt header as corrupt', async () => {
    const tar = Buffer.from(
      await buildTar([
        { name: 'a.txt', data: 'a' },
        { name: 'b.txt', data: 'b' },
      ]),
    );
    tar.write('garbage', 1024 + 100, 'latin1');
    const error = await refusal(collect(await scratch.file('bad.tar', tar), 'bad.tar'));
    expect(error.code).toBe(BundleErrorCode.Corrupt);
    expect(error.message).toBe(
      'bad.tar: tar archive is corrupt: invalid header checksum after entry "a.txt" (header at tar offset 0)',
    );
  });
});
