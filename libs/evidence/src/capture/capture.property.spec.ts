import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../text/issue-collector.js';
import { toPacket } from './to-packet.js';
import { readCapture } from './capture.reader.js';

// Properties over bytes: arbitrary, mutated real captures, truncated real captures. The
// reader must never throw, never hang (each run is bounded by the test timeout), and say
// where it stopped.

const folders = [
  new URL('../detection/__fixtures__/pcap/', import.meta.url),
  new URL('../detection/__fixtures__/pcapng/', import.meta.url),
  new URL('./__fixtures__/', import.meta.url),
];
const corpus = folders.flatMap((folder) =>
  readdirSync(folder)
    .filter((name) => /\.pcap(ng)?$/.test(name))
    .map((name) => new Uint8Array(readFileSync(new URL(name, folder)))),
);

function chunked(bytes: Uint8Array, sizes: number[]): AsyncIterable<Uint8Array> {
  return (async function* () {
    let at = 0;
    let i = 0;
    while (at < bytes.length) {
      const size = Math.max(
        1,
        sizes.length === 0 ? bytes.length : (sizes[i++ % sizes.length] ?? 1),
      );
      yield await Promise.resolve(bytes.subarray(at, at + size));
      at += size;
    }
  })();
}

async function readAll(bytes: Uint8Array, sizes: number[]) {
  const issues = new IssueCollector('fuzz');
  const offsets: number[] = [];
  const summary = await readCapture(
    chunked(bytes, sizes),
    'fuzz',
    (view) => {
      offsets.push(view.byteOffset);
      // Materialising must not throw either, whatever the bytes decoded to.
      toPacket(view, 'fuzz');
    },
    issues,
  );
  return { summary, offsets, issues: issues.list() };
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 6 });

/** A pcap or pcapng header followed by random bytes: gets past the magic into the framing. */
const plausible = fc
  .tuple(
    fc.constantFrom(
      [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0],
      [0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 20],
      [
        0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 255, 255, 255, 255,
        255, 255, 255, 255, 28, 0, 0, 0,
      ],
    ),
    fc.uint8Array({ maxLength: 3000 }),
  )
  .map(([head, tail]) => new Uint8Array([...head, ...tail]));

const mutated = fc
  .record({
    source: fc.constantFrom(...corpus),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 12,
    }),
    cut: fc.option(fc.nat()),
  })
  .map(({ source, flips, cut }) => {
    const bytes = source.slice(0, cut === null ? source.length : cut % (source.length + 1));
    for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
    return bytes;
  });

function expectSane(result: Awaited<ReturnType<typeof readAll>>, length: number) {
  const { summary, offsets, issues } = result;
  expect(summary.packets).toBe(offsets.length);
  // Reading stops at the damage: the rest of the source is not even requested.
  expect(summary.bytes).toBeLessThanOrEqual(length);
  if (summary.complete) expect(summary.bytes).toBe(length);
  for (const issue of issues) {
    expect(issue.code).toMatch(/^[A-Z_]+$/);
    expect(issue.locator.artifact).toBe('fuzz');
    if (issue.locator.byteOffset !== undefined)
      expect(issue.locator.byteOffset).toBeLessThanOrEqual(length);
  }
  if (!summary.complete) {
    // Stopping early always comes with one issue saying where.
    expect(
      issues.some((i) => i.locator.packet !== undefined && i.locator.byteOffset !== undefined),
    ).toBe(true);
  }
}

describe('capture reader under arbitrary input', () => {
  it('should never throw on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), chunkSizes, async (bytes, sizes) => {
        expectSane(await readAll(bytes, sizes), bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('should never throw on a valid header followed by garbage', async () => {
    await fc.assert(
      fc.asyncProperty(plausible, chunkSizes, async (bytes, sizes) => {
        expectSane(await readAll(bytes, sizes), bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  it('should never throw on mutated real captures', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, chunkSizes, async (bytes, sizes) => {
        expectSane(await readAll(bytes, sizes), bytes.length);
      }),
      { numRuns: 400 },
    );
  });

  it('should read a truncated real capture as a prefix of the whole, naming the packet cut off', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...corpus),
        fc.nat(),
        chunkSizes,
        async (source, cutSeed, sizes) => {
          const whole = await readAll(source, []);
          const cut = cutSeed % (source.length + 1);
          const part = await readAll(source.subarray(0, cut), sizes);
          expect(part.offsets).toEqual(whole.offsets.slice(0, part.offsets.length));
          if (part.summary.complete) return;
          const last = part.issues.at(-1);
          expect(last?.code).toMatch(/^TRUNCATED_|^EMPTY_CAPTURE$|^BAD_MAGIC$/);
          expect(last?.locator.packet).toBe(part.offsets.length + 1);
          expect(last?.locator.byteOffset).toBeLessThanOrEqual(cut);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should survive absurd record lengths anywhere', async () => {
    const source = corpus[0] as Uint8Array;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: source.length - 4 }),
        fc.constantFrom(2 ** 31, 2 ** 32 - 1, 262_145, 0),
        async (at, value) => {
          const bytes = source.slice();
          new DataView(bytes.buffer).setUint32(at, value, true);
          expectSane(await readAll(bytes, [777]), bytes.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
