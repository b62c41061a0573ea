import { readdirSync, readFileSync } from 'node:fs';
import { isArtifactKind } from '@netmortem/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DETECTOR_FAMILIES, detectArtifactKind } from './artifact-kind.detector.js';
import type { KindDetection } from './kind-detection.js';
import { sampleText } from './text-sample.js';

const root = new URL('./__fixtures__/', import.meta.url);
const corpus = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap(({ name: kind }) =>
    readdirSync(new URL(`${kind}/`, root)).map(
      (file) => new Uint8Array(readFileSync(new URL(`${kind}/${file}`, root))),
    ),
  );

function expectWellFormed(detection: KindDetection): void {
  expect(isArtifactKind(detection.kind)).toBe(true);
  expect(detection.confidence).toBeGreaterThanOrEqual(0);
  expect(detection.confidence).toBeLessThanOrEqual(1);
  expect(detection.reason.length).toBeGreaterThan(0);
}

// Bytes close to real evidence reach deeper into the detectors than uniform noise does.
const nearMiss = fc
  .record({
    source: fc.constantFrom(...corpus),
    start: fc.nat(),
    length: fc.nat({ max: 70_000 }),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  })
  .map(({ source, start, length, flips }) => {
    const from = source.length === 0 ? 0 : start % source.length;
    const bytes = source.slice(from, from + length);
    for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
    return bytes;
  });

const textish = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom(
          '[',
          '{',
          '"',
          ':',
          ' ',
          '\t',
          'src=',
          'tcp ',
          '-A ',
          '*nat',
          'Linux ',
          ' = ',
          '[pid 1] ',
          '(',
        ),
      ),
      { maxLength: 400 },
    ),
    fc.constantFrom('', '\n', ' '),
  )
  .map(([parts, separator]) => new TextEncoder().encode(parts.join(separator)));

describe('detectArtifactKind is total', () => {
  it('gives a well-formed verdict for arbitrary bytes and paths', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70_000 }),
        fc.string({ unit: 'binary' }),
        (bytes, path) => {
          expectWellFormed(detectArtifactKind(bytes, path));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives a well-formed verdict for cut and corrupted evidence', () => {
    fc.assert(
      fc.property(nearMiss, fc.string(), (bytes, path) => {
        expectWellFormed(detectArtifactKind(bytes, path));
      }),
      { numRuns: 300 },
    );
  });

  it('gives a well-formed verdict for text built from format fragments', () => {
    fc.assert(
      fc.property(textish, (bytes) => {
        expectWellFormed(detectArtifactKind(bytes, 'x.log'));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every family under its declared ceiling on any input', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss, textish), (bytes) => {
        const sample = sampleText(bytes);
        for (const family of DETECTOR_FAMILIES) {
          expect(family.detect(sample)?.confidence ?? 0).toBeLessThanOrEqual(family.ceiling);
        }
      }),
      { numRuns: 200 },
    );
  });
});
