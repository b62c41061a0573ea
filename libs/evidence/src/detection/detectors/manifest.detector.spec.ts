import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectManifest } from './manifest.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const fixture = (path: string) =>
  sampleText(new Uint8Array(readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url))));

describe('detectManifest', () => {
  it.each([
    'manifest/collector-json.txt',
    'manifest/collector-yaml.txt',
    'manifest/collector-minified.txt',
  ])('recognises the collector manifest %s by its marker', (path) => {
    const detection = detectManifest(fixture(path));
    expect(detection?.kind).toBe('manifest');
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.97);
  });

  it.each(['manifest/hand-written-commands-json.txt', 'manifest/hand-written-commands-yaml.txt'])(
    'recognises the hand-written commands list %s, less surely',
    (path) => {
      expect(detectManifest(fixture(path))).toMatchObject({ kind: 'manifest', confidence: 0.75 });
    },
  );

  it('finds the marker in a head cut in the middle of the document', () => {
    expect(
      detectManifest(
        sample('{\n  "kind": "netmortem-manifest",\n  "commands": [\n    {"argv": ["ss", "-t'),
      )?.kind,
    ).toBe('manifest');
  });

  it('wants the marker at the top level, not nested', () => {
    expect(
      detectManifest(sample('{"meta": {"kind": "netmortem-manifest", "netmortem": 1}}')),
    ).toBeUndefined();
  });

  it('does not take a log line that starts with "netmortem:" for YAML', () => {
    expect(detectManifest(sample('netmortem: analysing bundle incident-42\n'))).toBeUndefined();
  });

  it('ignores JSON without commands or versions', () => {
    expect(detectManifest(sample('{"commands": ["ss -tan"]}'))).toBeUndefined();
    expect(detectManifest(sample('{"level":"info","msg":"hello"}\n'))).toBeUndefined();
  });
});
