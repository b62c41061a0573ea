import { readdirSync, readFileSync } from 'node:fs';
import { isArtifactKind } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { detectArtifactKind } from './artifact-kind.detector.js';
import { DETECTION_HEAD_BYTES } from './kind-detection.js';

// Every fixture lives in a folder named after the kind it must be detected as.
const root = new URL('./__fixtures__/', import.meta.url);
const fixtures = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) =>
    readdirSync(new URL(`${folder.name}/`, root)).map((file) => ({
      kind: folder.name,
      file,
      bytes: new Uint8Array(readFileSync(new URL(`${folder.name}/${file}`, root))),
    })),
  );

describe('detectArtifactKind over the fixture corpus', () => {
  it('has a fixture folder per kind, each named after a real kind', () => {
    for (const { kind } of fixtures) expect(isArtifactKind(kind)).toBe(true);
    expect(new Set(fixtures.map(({ kind }) => kind)).size).toBe(19);
  });

  it.each(fixtures.map((fixture) => [`${fixture.kind}/${fixture.file}`, fixture] as const))(
    '%s',
    (_, { kind, file, bytes }) => {
      const detection = detectArtifactKind(
        bytes.subarray(0, DETECTION_HEAD_BYTES),
        `bundle/${file}`,
      );
      expect(detection.kind, detection.reason).toBe(kind);
      if (kind !== 'unknown' && kind !== 'uname')
        expect(detection.confidence).toBeGreaterThanOrEqual(0.6);
    },
  );

  it.each(
    fixtures
      .filter(({ kind }) => kind !== 'unknown')
      .map((f) => [`${f.kind}/${f.file}`, f] as const),
  )('%s is detected from content alone, under a neutral name', (_, { kind, bytes }) => {
    expect(detectArtifactKind(bytes, 'artifact-17').kind).toBe(kind);
  });
});
