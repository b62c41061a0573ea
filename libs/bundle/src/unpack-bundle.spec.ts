import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import type { BundleEntry } from './bundle-types.js';
import {
  buildTar,
  collect,
  createScratch,
  openDescriptors,
  type Scratch,
} from './testing/fixtures.js';
import { buildZip } from './testing/zip-writer.js';
import { unpackBundle } from './unpack-bundle.js';

class CallbackFailure extends Error {}

describe(unpackBundle.name, () => {
  let scratch: Scratch;
  /** One bundle per container format, each holding the same three files. */
  let bundles: { name: string; path: string }[];

  beforeEach(async () => {
    scratch = await createScratch();
    const files = [
      { name: 'a.txt', data: 'first\n'.repeat(5000) },
      { name: 'b.pcap.gz', data: gzipSync('second\n'.repeat(5000)) },
      { name: 'c.txt', data: 'third' },
    ];
    const tar = await buildTar(files);
    for (const file of files) await scratch.file(`dir/${file.name}`, file.data);
    bundles = [
      { name: 'bundle.tar', path: await scratch.file('bundle.tar', tar) },
      { name: 'bundle.tgz', path: await scratch.file('bundle.tgz', gzipSync(tar)) },
      {
        name: 'bundle.zip',
        path: await scratch.file(
          'bundle.zip',
          buildZip(
            files.map((file) => ({
              name: file.name,
              data: Buffer.from(file.data),
              method: 'deflate',
            })),
          ),
        ),
      },
      { name: 'dir', path: scratch.path('dir') },
    ];
  });
  afterEach(async () => {
    await scratch.dispose();
  });

  it('should hand out node Readables one entry at a time', async () => {
    for (const bundle of bundles) {
      let active = 0;
      const seen: string[] = [];
      await unpackBundle({ path: bundle.path, originalName: bundle.name }, async (entry) => {
        active += 1;
        expect(active).toBe(1);
        expect(entry.stream).toBeInstanceOf(Readable);
        await sleep(1);
        for await (const chunk of entry.stream) void chunk;
        seen.push(entry.path);
        active -= 1;
      });
      expect(seen, bundle.name).toEqual(['a.txt', 'b.pcap', 'c.txt']);
    }
  });

  it('should rethrow the callback error unchanged and leave no descriptor open', async () => {
    const before = await openDescriptors();
    for (const bundle of bundles) {
      const failure = new CallbackFailure('analysis broke');
      const error = await unpackBundle(
        { path: bundle.path, originalName: bundle.name },
        async (entry) => {
          if (entry.path === 'b.pcap') {
            entry.stream.once('data', () => undefined);
            await sleep(1);
            throw failure;
          }
          for await (const chunk of entry.stream) void chunk;
        },
      ).catch((caught: unknown) => caught);
      expect(error, bundle.name).toBe(failure);
    }
    expect(await openDescriptors()).toEqual(before);
  });

  it('should drain entries the callback leaves unread, or abandons half-way', async () => {
    for (const bundle of bundles) {
      const paths: string[] = [];
      const summary = await unpackBundle(
        { path: bundle.path, originalName: bundle.name },
        async (entry) => {
          paths.push(entry.path);
          if (entry.path === 'a.txt') {
            for await (const chunk of entry.stream) {
              void chunk;
              break;
            }
          }
        },
      );
      expect(paths, bundle.name).toEqual(['a.txt', 'b.pcap', 'c.txt']);
      expect(summary.totalBytes, bundle.name).toBe(30_000 + 35_000 + 5);
    }
  });

  it('should reject with the BundleError when the callback wraps a stream failure', async () => {
    const tar = await buildTar([{ name: 'zeros.bin', data: Buffer.alloc(8 * 1024 * 1024) }]);
    const path = await scratch.file('bomb.tgz', gzipSync(tar));
    const error = await unpackBundle(
      { path, originalName: 'bomb.tgz' },
      async (entry: BundleEntry) => {
        try {
          for await (const chunk of entry.stream) void chunk;
        } catch (cause) {
          throw new CallbackFailure('could not read', { cause });
        }
      },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).code).toBe(BundleErrorCode.CompressionRatio);
  });

  it('should reject a stream failure even when the callback swallows it', async () => {
    const tar = await buildTar([{ name: 'a.txt', data: 'a'.repeat(3000) }]);
    const path = await scratch.file('cut.tar', tar.subarray(0, 2000));
    const error = await unpackBundle({ path, originalName: 'cut.tar' }, async (entry) => {
      await new Promise((resolve) => entry.stream.on('error', resolve).resume());
    }).catch((caught: unknown) => caught);
    expect((error as BundleError).code).toBe(BundleErrorCode.Truncated);
  });

  it('should refuse garbage that claims to be an archive, and deliver it when it does not', async () => {
    const garbage = randomBytes(4096);
    garbage[0] = 0x42;
    const path = await scratch.file('garbage', garbage);
    for (const name of ['bundle.tgz', 'bundle.tar', 'bundle.zip', 'capture.pcap.gz']) {
      const error = await collect(path, name).catch((caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(BundleError);
      expect((error as BundleError).message, name).toMatch(/truncated|corrupt/);
    }
    const { entries } = await collect(path, 'capture.pcap');
    expect(entries).toMatchObject([{ path: 'capture.pcap', bytes: 4096 }]);
  });

  it('should refuse a source that cannot be read', async () => {
    const error = await collect(scratch.path('missing'), 'missing.tgz').catch(
      (caught: unknown) => caught,
    );
    expect((error as BundleError).code).toBe(BundleErrorCode.Unreadable);
    expect((error as BundleError).message).toMatch(/^missing\.tgz: bundle cannot be read \(ENOENT/);
  });

  it('should reject nonsensical limits as a programming error', async () => {
    await expect(
      collect(bundles[0]?.path ?? '', 'x.tar', { maxEntries: Number.NaN }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it('should leave no descriptor open after refusing hostile bundles', async () => {
    const hostile = [
      await scratch.file(
        'slip.tar',
        await buildTar([
          { name: 'ok', data: 'x' },
          { name: '../evil', data: 'x' },
        ]),
      ),
      await scratch.file(
        'cut.tgz',
        gzipSync(await buildTar([{ name: 'a', data: randomBytes(5000) }])).subarray(0, 3000),
      ),
      await scratch.file(
        'slip.zip',
        buildZip([{ name: 'ok', data: Buffer.from('x') }, { name: '../evil' }]),
      ),
      await scratch.file(
        'cut.zip',
        buildZip([{ name: 'a', data: randomBytes(5000) }]).subarray(0, 3000),
      ),
    ];
    const before = await openDescriptors();
    for (const path of hostile) {
      await expect(collect(path, path)).rejects.toBeInstanceOf(BundleError);
    }
    expect(await openDescriptors()).toEqual(before);
  });
});
