import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import { collect, createScratch, hasTool, type Scratch } from './testing/fixtures.js';

describe('unpackBundle on a directory', () => {
  let scratch: Scratch;

  beforeEach(async () => {
    scratch = await createScratch();
  });
  afterEach(async () => {
    await scratch.dispose();
  });

  it('should walk the tree in sorted order, decompressing a nested .gz', async () => {
    await scratch.file('dump/node-b/ss.txt', 'b');
    await scratch.file('dump/node-a/ss.txt', 'a');
    await scratch.file('dump/Zeta.txt', 'z');
    await scratch.file('dump/capture.pcap.gz', gzipSync('pcap'));
    await mkdir(scratch.path('dump/empty'));
    const { summary, entries } = await collect(scratch.path('dump'), 'dump');
    expect(summary).toEqual({ format: 'directory', entries: 4, totalBytes: 7, skipped: [] });
    expect(entries.map((entry) => [entry.path, entry.text])).toEqual([
      ['Zeta.txt', 'z'],
      ['capture.pcap', 'pcap'],
      ['node-a/ss.txt', 'a'],
      ['node-b/ss.txt', 'b'],
    ]);
  });

  it('should refuse a symlink pointing outside the directory', async () => {
    await scratch.file('dump/ss.txt', 'a');
    await scratch.file('secret.txt', 'host secret');
    await symlink('../secret.txt', scratch.path('dump/leak.txt'));
    const error = await collect(scratch.path('dump'), 'dump').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).code).toBe(BundleErrorCode.LinkEntry);
    expect((error as BundleError).message).toBe(
      'dump: entry "leak.txt" is a symbolic link to "../secret.txt", outside the bundle',
    );
  });

  it('should refuse a link that escapes through another link', async () => {
    await scratch.file('outside/secret.txt', 'host secret');
    await mkdir(scratch.path('dump'));
    await symlink(scratch.path('outside'), scratch.path('dump/a-out'));
    await symlink('a-out/secret.txt', scratch.path('dump/b-secret'));
    const error = await collect(scratch.path('dump'), 'dump').catch((caught: unknown) => caught);
    expect((error as BundleError).code).toBe(BundleErrorCode.LinkEntry);
  });

  it('should skip links inside the tree and special files, with reasons', async () => {
    await scratch.file('dump/ss.txt', 'a');
    await symlink('ss.txt', scratch.path('dump/ss-link.txt'));
    await symlink('missing.txt', scratch.path('dump/dangling.txt'));
    if (hasTool('mkfifo')) execFileSync('mkfifo', [scratch.path('dump/pipe')]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(scratch.path('dump/sock'), resolve));
    try {
      const { summary, entries } = await collect(scratch.path('dump'), 'dump');
      expect(entries.map((entry) => entry.path)).toEqual(['ss.txt']);
      expect(summary.skipped).toEqual(
        expect.arrayContaining([
          { path: 'dangling.txt', reason: 'dangling symbolic link' },
          { path: 'sock', reason: 'not a regular file (socket)' },
          { path: 'ss-link.txt', reason: 'symbolic link (not followed)' },
        ]),
      );
      if (hasTool('mkfifo'))
        expect(summary.skipped).toContainEqual({
          path: 'pipe',
          reason: 'not a regular file (fifo)',
        });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('should count directories against maxEntries and depth against maxPathDepth', async () => {
    await scratch.file('dump/a/b/c/d.txt', 'deep');
    const tooMany = await collect(scratch.path('dump'), 'dump', { maxEntries: 3 }).catch(
      (caught: unknown) => caught,
    );
    expect((tooMany as BundleError).code).toBe(BundleErrorCode.TooManyEntries);
    const tooDeep = await collect(scratch.path('dump'), 'dump', { maxPathDepth: 3 }).catch(
      (caught: unknown) => caught,
    );
    expect((tooDeep as BundleError).code).toBe(BundleErrorCode.PathTooDeep);
  });
});
