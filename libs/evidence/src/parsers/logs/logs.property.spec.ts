import { readdirSync, readFileSync } from 'node:fs';
import type { Locator, ParseOutcome } from '@netmortem/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText, parseTextArtifact, type TextArtifactParser } from '../text-artifact-parser.js';
import {
  appLogParser,
  dmesgParser,
  envoyAccessLogParser,
  envoyDebugLogParser,
  straceParser,
} from './index.js';

interface Subject {
  readonly name: string;
  readonly parser: TextArtifactParser<unknown>;
  readonly locators: (value: unknown) => Locator[];
  readonly corpus: string[];
}

const shared = new URL('../../detection/__fixtures__/', import.meta.url);
const lab = new URL('./__fixtures__/', import.meta.url);
const read = (root: URL, folder: string): string[] =>
  readdirSync(new URL(`${folder}/`, root)).map((f) =>
    readFileSync(new URL(`${folder}/${f}`, root), 'utf8'),
  );
const eventLocators = (value: unknown) => (value as { locator: Locator }[]).map((e) => e.locator);

const SUBJECTS: Subject[] = [
  {
    name: 'dmesg',
    parser: dmesgParser,
    locators: eventLocators,
    corpus: [...read(shared, 'dmesg'), ...read(lab, 'dmesg')],
  },
  {
    name: 'envoy-access-log',
    parser: envoyAccessLogParser,
    locators: eventLocators,
    corpus: read(shared, 'envoy-access-log'),
  },
  {
    name: 'envoy-debug-log',
    parser: envoyDebugLogParser,
    locators: eventLocators,
    corpus: read(shared, 'envoy-debug-log'),
  },
  {
    name: 'strace',
    parser: straceParser,
    locators: (value) => (value as { events: { locator: Locator }[] }).events.map((e) => e.locator),
    corpus: [...read(shared, 'strace'), ...read(lab, 'strace')],
  },
  {
    name: 'app-log',
    parser: appLogParser,
    locators: eventLocators,
    corpus: read(shared, 'app-log'),
  },
];

function expectWellFormed(subject: Subject, outcome: ParseOutcome<unknown>): void {
  expect(['parsed', 'partial', 'failed']).toContain(outcome.status);
  for (const locator of subject.locators(outcome.value)) {
    expect(locator.artifact).toBe(outcome.artifact);
    expect(locator.line).toBeGreaterThanOrEqual(1);
    expect(locator.line).toBeLessThanOrEqual(outcome.unitsRead);
  }
  for (const issue of outcome.issues) {
    if (issue.code !== 'MORE_ISSUES') expect(issue.locator.line).toBeGreaterThanOrEqual(1);
  }
}

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += 4096) yield await Promise.resolve(all.subarray(i, i + 4096));
}

const logish = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '[',
        ']',
        '"',
        '{',
        '}',
        '(',
        ')',
        ' = ',
        '<',
        '>',
        ' ',
        '\t',
        ':',
        '=',
        'IN=',
        ' OUT=',
        'SRC=10.0.0.1',
        '[pid 1] ',
        '10:00:00.000001 ',
        'connect(',
        '<... read resumed>',
        '[C42] ',
        '"- - -" ',
        '503 UC ',
        'kernel: ',
        '\n',
        'ECONNRESET',
        '-1 E',
      ),
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

describe.each(SUBJECTS)('$name parser under hostile input', (subject) => {
  it('never throws on arbitrary text and keeps every locator in range', () => {
    fc.assert(
      fc.property(logish, (text) => {
        expectWellFormed(subject, parseText(subject.parser, text, 'fuzz.txt'));
      }),
      { numRuns: 200 },
    );
  });

  it('reads mutated fixtures, reporting an inserted binary line at its number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...subject.corpus),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })), { maxLength: 6 }),
        fc.nat(),
        async (source, cut, flips, garbageAt) => {
          const lines = source.slice(0, Math.max(1, cut % (source.length + 1))).split('\n');
          for (const [at, text] of flips) {
            const index = at % lines.length;
            const line = lines[index] ?? '';
            const pos = at % (line.length + 1);
            lines[index] = line.slice(0, pos) + text + line.slice(pos + text.length);
          }
          const garbageLine = garbageAt % (lines.length + 1);
          lines.splice(garbageLine, 0, '\u0000\u0001\u0002\u0003 binary');
          const outcome = await parseTextArtifact(
            subject.parser,
            bytes(lines.join('\n')),
            'mutated.txt',
            { maxLineBytes: 4096 },
          );
          expectWellFormed(subject, outcome);
          expect(
            outcome.issues.some(
              (i) => i.locator.line === garbageLine + 1 && i.code === 'BINARY_DATA',
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skips a multi-megabyte line with an issue and reads on', async () => {
    const [first = ''] = subject.corpus;
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const outcome = await parseTextArtifact(
      subject.parser,
      bytes(`${first}\n${huge}\n${first}`),
      'big.txt',
      { maxLineBytes: 64 * 1024 },
    );
    const hugeLine = first.split('\n').length + 1;
    expect(outcome.issues).toContainEqual({
      locator: { artifact: 'big.txt', line: hugeLine },
      code: 'LINE_TOO_LONG',
      message: expect.any(String) as string,
    });
    const lines = subject.locators(outcome.value).map((l) => l.line ?? 0);
    expect(lines.filter((l) => l > hugeLine).length).toBe(lines.filter((l) => l < hugeLine).length);
  });

  // Quadratic work on a megabyte line would take minutes; linear work takes well under a second.
  it('stays linear on a pathological megabyte line it is handed whole', () => {
    for (const unit of ['[pid 1] (', '"', 'IN= OUT= ', '{"a":', 'connection ', ':1->']) {
      const started = performance.now();
      const outcome = parseText(
        subject.parser,
        unit.repeat(Math.ceil((1024 * 1024) / unit.length)),
        'slow.txt',
      );
      expectWellFormed(subject, outcome);
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  });

  it('honours maxItems', () => {
    const text = subject.corpus.join('\n');
    const all = subject.locators(parseText(subject.parser, text, 'all.txt').value).length;
    const capped = parseText(subject.parser, text, 'all.txt', { maxItems: 2 });
    expect(subject.locators(capped.value).length).toBe(Math.min(2, all));
    if (all > 2) expect(capped.issues.some((i) => i.code === 'TOO_MANY_ITEMS')).toBe(true);
  });
});
