import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import { collect, createScratch, writeZerosGzip, type Scratch } from './testing/fixtures.js';

async function refusal(promise: Promise<unknown>): Promise<BundleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}

describe('unpackBundle on a single file', () => {
  let scratch: Scratch;

  beforeEach(async () => {
    scratch = await createScratch();
  });
  afterEach(async () => {
    await scratch.dispose();
  });

  it('should deliver a plain file under the upload name', async () => {
    const path = await scratch.file('upload-1234', 'State Recv-Q Send-Q\n');
    const { summary, entries } = await collect(path, 'ss-tanoie.txt');
    expect(summary).toEqual({ format: 'plain', entries: 1, totalBytes: 20, skipped: [] });
    expect(entries).toEqual([
      { path: 'ss-tanoie.txt', declaredSize: 20, text: 'State Recv-Q Send-Q\n', bytes: 20 },
    ]);
  });

  it('should deliver an empty file', async () => {
    const { entries } = await collect(await scratch.file('empty', ''), 'empty.log');
    expect(entries).toEqual([{ path: 'empty.log', declaredSize: 0, text: '', bytes: 0 }]);
  });

  it('should decompress a single .gz exactly one level, dropping the suffix', async () => {
    const once = await collect(await scratch.file('a', gzipSync('pcap bytes')), 'capture.pcap.gz');
    expect(once.summary.format).toBe('gzip');
    expect(once.entries).toEqual([
      { path: 'capture.pcap', declaredSize: undefined, text: 'pcap bytes', bytes: 10 },
    ]);

    const twice = await collect(
      await scratch.file('b', gzipSync(gzipSync('pcap bytes'))),
      'capture.pcap.gz.gz',
    );
    expect(twice.entries[0]?.path).toBe('capture.pcap.gz');
    expect(twice.entries[0]?.text.startsWith('\x1f')).toBe(true);
  });

  it('should stop a 200 MiB gzip of zeros early (gzip bomb)', async () => {
    const path = scratch.path('zeros.gz');
    await writeZerosGzip(path, 200 * 1024 * 1024);
    let delivered = 0;
    const error = await refusal(
      collect(path, 'zeros.bin.gz').finally(() => {
        delivered += 1;
      }),
    );
    expect(error.code).toBe(BundleErrorCode.CompressionRatio);
    expect(error.message).toMatch(
      /^zeros\.bin\.gz: compression ratio exceeds 200:1 \(archive bomb\)/,
    );
    expect(error.details).toMatchObject({ bundle: 'zeros.bin.gz', path: 'zeros.bin' });
    expect(delivered).toBe(1);
  });

  it('should not flag a small file of zeros as a bomb', async () => {
    const path = await scratch.file('small.gz', gzipSync(Buffer.alloc(900 * 1024)));
    const { entries } = await collect(path, 'sparse.log.gz');
    expect(entries).toMatchObject([{ path: 'sparse.log', bytes: 900 * 1024 }]);
  });

  it('should report a truncated .gz with the offset where it ends', async () => {
    const gz = gzipSync(
      Buffer.from(Array.from({ length: 2000 }, (_, index) => `line ${index}\n`).join('')),
    );
    expect(gz.length).toBeGreaterThan(200);
    const path = await scratch.file('cut.gz', gz.subarray(0, 100));
    const error = await refusal(collect(path, 'conntrack.txt.gz'));
    expect(error.code).toBe(BundleErrorCode.Truncated);
    expect(error.message).toBe(
      'conntrack.txt.gz@100: gzip stream is truncated (unexpected end of file) while reading entry "conntrack.txt"',
    );
  });

  it('should report garbage after a gzip stream as corrupt', async () => {
    const path = await scratch.file(
      'junk.gz',
      Buffer.concat([gzipSync('ok'), Buffer.from('trailing junk')]),
    );
    const error = await refusal(collect(path, 'junk.gz'));
    expect(error.code).toBe(BundleErrorCode.Corrupt);
  });

  it('should refuse a plain file over the entry limit before reading it', async () => {
    const path = await scratch.file('big', Buffer.alloc(2000));
    const error = await refusal(collect(path, 'big.bin', { maxEntryBytes: 1000 }));
    expect(error.code).toBe(BundleErrorCode.EntryTooLarge);
  });
});
