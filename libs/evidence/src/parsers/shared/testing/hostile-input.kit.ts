import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseText,
  parseTextArtifact,
  type TextArtifactParser,
} from '../../text-artifact-parser.js';

/**
 * The promises every text parser keeps on bad input, as one reusable suite: never throw,
 * never hang, stay linear on huge lines, skip over-long lines with an issue, and point every
 * item and issue at a line that exists. Each parser's own spec adds what is special to it.
 */
export interface HostileInputSubject {
  readonly name: string;
  readonly parser: TextArtifactParser<unknown>;
  /** Real samples (fixtures) the mutations start from; the first one also follows a huge line. */
  readonly fixtures: readonly string[];
  /** Line numbers the parsed value refers to (item locators, per-key lines, …). */
  readonly linesIn: (value: unknown) => readonly number[];
  /** Fragments random lines are built from: the format's own punctuation and keywords. */
  readonly vocabulary: readonly string[];
  /** Words repeated a million times to look for super-linear parsing. */
  readonly pathologicalWords?: readonly string[];
  /** A well-formed line start, so the repetition reaches deep into the parser. */
  readonly pathologicalPrefix?: string;
  /** Parsers that flag binary lines: the issue code they use (checked at the right line). */
  readonly binaryLineCode?: string;
  /** Samples that are one JSON document: a garbage line can only go after them. */
  readonly isSingleLineDocument?: (sample: string) => boolean;
}

/** Line numbers of a value that is an item, a list of items, or `{ events: items }`. */
export function itemLines(value: unknown): number[] {
  const items = Array.isArray(value)
    ? (value as unknown[])
    : typeof value === 'object' &&
        value !== null &&
        Array.isArray((value as { events?: unknown }).events)
      ? (value as { events: unknown[] }).events
      : [value];
  return items.flatMap((item) => {
    const line = (item as { locator?: { line?: number } } | null)?.locator?.line;
    return line === undefined ? [] : [line];
  });
}

export function streamOf(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (const part of parts)
      yield await Promise.resolve(typeof part === 'string' ? new TextEncoder().encode(part) : part);
  })();
}

export function expectLinesInRange(
  subject: HostileInputSubject,
  outcome: { value: unknown; issues: readonly { code: string; locator: { line?: number } }[] },
  lines: number,
): void {
  for (const line of subject.linesIn(outcome.value)) {
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(lines);
  }
  for (const issue of outcome.issues) {
    if (issue.code === 'MORE_ISSUES') continue;
    expect(issue.locator.line).toBeGreaterThanOrEqual(1);
    expect(issue.locator.line).toBeLessThanOrEqual(lines);
  }
}

export const GARBAGE_UNITS = [
  '\u0000',
  '\u0007',
  '\uFFFD',
  '\u00ff',
  ' ',
  ':',
  '=',
  '(',
  ')',
  '"',
  'x',
] as const;

/** One line of a real sample cut, salted with garbage, stripped of a character or doubled. */
export const lineMutation = fc.record({
  line: fc.nat(),
  at: fc.nat(),
  kind: fc.constantFrom('truncate', 'garbage', 'drop-char', 'duplicate'),
  garbage: fc.string({ unit: fc.constantFrom(...GARBAGE_UNITS), minLength: 1, maxLength: 6 }),
});

export function mutateLine(
  text: string,
  change: { line: number; at: number; kind: string; garbage: string },
): string {
  const lines = text.split('\n');
  const index = change.line % lines.length;
  const line = lines[index]!;
  const at = line.length === 0 ? 0 : change.at % line.length;
  lines[index] =
    change.kind === 'truncate'
      ? line.slice(0, at)
      : change.kind === 'garbage'
        ? line.slice(0, at) + change.garbage + line.slice(at)
        : change.kind === 'drop-char'
          ? line.slice(0, at) + line.slice(at + 1)
          : `${line} ${line}`;
  return lines.join('\n');
}

export function describeHostileInput(subjects: readonly HostileInputSubject[]): void {
  describe.each(subjects)('$name parser on hostile input', (subject) => {
    const noisyLine = fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        '0',
        '9',
        ' ',
        '\t',
        '\u0000',
        '\uFFFD',
        'é',
        ...subject.vocabulary,
      ),
      maxLength: 120,
    });

    it('never throws on random lines and points every line number at a line', () => {
      fc.assert(
        fc.property(fc.array(noisyLine, { maxLength: 30 }), (lines) => {
          const text = lines.join('\n');
          expectLinesInRange(subject, parseText(subject.parser, text), text.split('\n').length);
        }),
      );
    });

    it('never throws on real samples with a line cut, salted, shortened or doubled', () => {
      fc.assert(
        fc.property(fc.constantFrom(...subject.fixtures), lineMutation, (text, change) => {
          const mutated = mutateLine(text, change);
          expectLinesInRange(
            subject,
            parseText(subject.parser, mutated),
            mutated.split('\n').length,
          );
        }),
      );
    });

    it('reads binary garbage as text with issues, not exceptions', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
          const outcome = await parseTextArtifact(subject.parser, streamOf(bytes), 'garbage.bin');
          expectLinesInRange(subject, outcome, Math.max(1, outcome.unitsRead));
        }),
        { numRuns: 50 },
      );
    });

    it('skips a multi-megabyte line with LINE_TOO_LONG at its line and reads the rest the same', async () => {
      const sample = subject.fixtures[0]!;
      const outcome = await parseTextArtifact(
        subject.parser,
        streamOf('x'.repeat(3_000_000), '\n', sample),
        'big.txt',
        {
          maxLineBytes: 64 * 1024,
        },
      );
      expect(outcome.issues[0]).toMatchObject({ code: 'LINE_TOO_LONG', locator: { line: 1 } });
      expect(JSON.stringify(outcome.value)).toBe(
        JSON.stringify(parseText(subject.parser, `\n${sample}`, 'big.txt').value),
      );
    });

    // Only for parsers that flag binary lines; registered only where it applies.
    if (subject.binaryLineCode !== undefined) {
      it('reports an inserted binary line at its number', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...subject.fixtures),
            fc.nat(),
            fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })), {
              maxLength: 6,
            }),
            fc.nat(),
            async (source, cut, flips, garbageAt) => {
              const lines = source.slice(0, Math.max(1, cut % (source.length + 1))).split('\n');
              for (const [at, text] of flips) {
                const index = at % lines.length;
                const line = lines[index] ?? '';
                const position = at % (line.length + 1);
                lines[index] = line.slice(0, position) + text + line.slice(position + text.length);
              }
              const garbageLine = subject.isSingleLineDocument?.(source)
                ? lines.length
                : garbageAt % (lines.length + 1);
              lines.splice(garbageLine, 0, '\u0000\u0001\u0002\u0003 binary');
              const outcome = await parseTextArtifact(
                subject.parser,
                streamOf(lines.join('\n')),
                'mutated.txt',
                {
                  maxLineBytes: 8192,
                },
              );
              expectLinesInRange(subject, outcome, Math.max(1, outcome.unitsRead));
              const flagged = outcome.issues.some(
                (issue) =>
                  issue.locator.line === garbageLine + 1 && issue.code === subject.binaryLineCode,
              );
              expect(flagged).toBe(true);
            },
          ),
          { numRuns: 60 },
        );
      });
    }

    it('stays linear on megabyte lines of repeated words', () => {
      const timeFor = (word: string, repeats: number) => {
        const line = (subject.pathologicalPrefix ?? '') + `${word} `.repeat(repeats);
        const started = performance.now();
        const outcome = parseText(
          subject.parser,
          `${line}\n    ${line}\n${line.replaceAll(' ', '')}\n`,
        );
        expectLinesInRange(subject, outcome, 4);
        return performance.now() - started;
      };
      for (const word of subject.pathologicalWords ?? subject.vocabulary.slice(0, 6)) {
        // Four times the input: linear work takes about four times as long, quadratic sixteen.
        // Fast is fine whatever the ratio (small timings are noise); slow must still scale
        // linearly, so a busy machine does not fail a linear parser.
        const quarter = timeFor(word, 75_000);
        const whole = timeFor(word, 300_000);
        const linear = whole < 1500 || whole / Math.max(quarter, 1) < 8;
        expect(linear, `"${word}": ${quarter} ms, then ${whole} ms for four times the input`).toBe(
          true,
        );
      }
    }, 60_000);
  });
}
