import { rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError } from './bundle.error.js';
import { buildTar, createScratch, type Scratch } from './testing/fixtures.js';
import { buildZip } from './testing/zip-writer.js';
import { unpackBundle } from './unpack-bundle.js';
import type { UnpackLimits } from './unpack-limits.js';

/** Generous for the inputs below, small enough that no run can take long. */
const LIMITS: Partial<UnpackLimits> = {
  maxEntries: 200,
  maxEntryBytes: 4 << 20,
  maxTotalBytes: 8 << 20,
};
const RUN_TIMEOUT_MS = 5_000;
const NAMES = ['bundle.tgz', 'bundle.tar', 'bundle.zip', 'capture.pcap.gz', 'ss.txt'];

type Outcome = { kind: 'ok'; paths: string[]; texts: string[] } | { kind: 'error'; error: unknown };

describe('unpackBundle on arbitrary input', () => {
  let scratch: Scratch;
  let seeds: Buffer[];
  let counter = 0;

  beforeAll(async () => {
    scratch = await createScratch();
    const tar = await buildTar([
      { name: 'node-a/ss.txt', data: 'State Recv-Q Send-Q Local Peer\n'.repeat(40) },
      { name: 'node-a/capture.pcap.gz', data: gzipSync(Buffer.alloc(3000, 0xa5)) },
      { name: 'node-b/', type: 'directory' },
      { name: 'node-b/conntrack.txt', data: 'tcp 6 431999 ESTABLISHED\n' },
    ]);
    seeds = [
      tar,
      gzipSync(tar),
      buildZip([
        { name: 'node-a/ss.txt', data: Buffer.from('State\n'.repeat(300)), method: 'deflate' },
        { name: 'node-a/capture.pcap.gz', data: gzipSync(Buffer.alloc(3000, 0xa5)) },
        {
          name: 'node-b/conntrack.txt',
          data: Buffer.from('tcp 6 ESTABLISHED\n'),
          method: 'deflate',
        },
      ]),
      gzipSync(Buffer.from('pcap-ish bytes '.repeat(500))),
    ];
  });
  afterAll(async () => {
    await scratch.dispose();
  });

  /** Unpacks `bytes`, reading every entry, and fails the property if it takes too long. */
  async function run(bytes: Uint8Array, originalName: string): Promise<Outcome> {
    counter += 1;
    const path = scratch.path(`input-${counter}`);
    await writeFile(path, bytes);
    const paths: string[] = [];
    const texts: string[] = [];
    const unpacking = unpackBundle(
      { path, originalName },
      async (entry) => {
        const chunks: Buffer[] = [];
        for await (const chunk of entry.stream as AsyncIterable<Buffer>) chunks.push(chunk);
        paths.push(entry.path);
        texts.push(Buffer.concat(chunks).toString('latin1'));
      },
      LIMITS,
    ).then(
      (): Outcome => ({ kind: 'ok', paths, texts }),
      (error: unknown): Outcome => ({ kind: 'error', error }),
    );
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`unpack of ${path} hung`)), RUN_TIMEOUT_MS);
    });
    try {
      return await Promise.race([unpacking, hang]);
    } finally {
      clearTimeout(timer);
      await rm(path, { force: true });
    }
  }

  function expectOnlyBundleErrors(outcome: Outcome): void {
    if (outcome.kind === 'error') expect(outcome.error).toBeInstanceOf(BundleError);
  }

  it('should only ever reject with a BundleError on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom(...NAMES),
        async (bytes, name) => {
          expectOnlyBundleErrors(await run(bytes, name));
        },
      ),
      { numRuns: 120 },
    );
  }, 30_000);

  it('should only ever reject with a BundleError on mutated archives', async () => {
    const mutation = fc.record({
      seed: fc.nat(),
      cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      flips: fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
          fc.integer({ min: 0, max: 255 }),
        ),
        {
          maxLength: 6,
        },
      ),
      name: fc.constantFrom(...NAMES),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, cut, flips, name }) => {
        const original = seeds[seed % seeds.length] ?? Buffer.alloc(0);
        const mutated = Buffer.from(original);
        for (const [where, value] of flips) mutated[Math.floor(where * mutated.length)] = value;
        const end = cut === undefined ? mutated.length : Math.floor(cut * mutated.length);
        expectOnlyBundleErrors(await run(mutated.subarray(0, end), name));
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it('should round-trip any set of safe files through tar, tar.gz and zip', async () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    const file = fc.record({
      path: fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('/')),
      text: fc.string({ maxLength: 300 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(file, { minLength: 1, maxLength: 6, selector: (entry) => entry.path }),
        async (files) => {
          const parents = new Set(files.flatMap((entry) => ancestors(entry.path)));
          // A path cannot be a file and a directory in tar or on disk; keep only leaves.
          const leaves = files.filter((entry) => !parents.has(entry.path));
          const tar = await buildTar(
            leaves.map((entry) => ({ name: entry.path, data: entry.text })),
          );
          const zip = buildZip(
            leaves.map((entry) => ({
              name: entry.path,
              data: Buffer.from(entry.text),
              method: 'deflate',
            })),
          );
          for (const [bytes, name] of [
            [tar, 'x.tar'],
            [gzipSync(tar), 'x.tgz'],
            [zip, 'x.zip'],
          ] as const) {
            const outcome = await run(bytes, name);
            expect(outcome).toEqual({
              kind: 'ok',
              paths: leaves.map((entry) => entry.path),
              texts: leaves.map((entry) => Buffer.from(entry.text).toString('latin1')),
            });
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 30_000);
});

function ancestors(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, index) => segments.slice(0, index + 1).join('/'));
}
