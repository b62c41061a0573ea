import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText, parseTextArtifact, type TextArtifactParser } from '../text-artifact-parser.js';
import { netstatParser } from './netstat.parser.js';
import { ssParser } from './ss.parser.js';

// Bad input never throws, never hangs, and every complaint points at a line that exists.

const fixture = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');

const SUBJECTS: readonly {
  name: string;
  parser: TextArtifactParser<readonly { locator: { line?: number } }[]>;
  fixtures: readonly string[];
}[] = [
  {
    name: 'ss',
    parser: ssParser,
    fixtures: [
      fixture('ss/tanoie-client.txt'),
      fixture('ss/tapionume-server.txt'),
      fixture('ss/iproute2-4x-tanoie.txt'),
      fixture('ss/iproute2-4x-tuan-netid.txt'),
    ],
  },
  {
    name: 'netstat',
    parser: netstatParser,
    fixtures: [fixture('netstat/tanpo-timers.txt'), fixture('netstat/an-with-unix-sockets.txt')],
  },
];

const lineCount = (text: string) => text.split('\n').length;

/** Everything a parse outcome promises, whatever the input. */
function expectWellFormed(
  outcome: {
    value: readonly { locator: { line?: number } }[];
    issues: readonly { code: string; locator: { line?: number } }[];
  },
  lines: number,
): void {
  for (const item of outcome.value) {
    expect(item.locator.line).toBeGreaterThanOrEqual(1);
    expect(item.locator.line).toBeLessThanOrEqual(lines);
  }
  for (const issue of outcome.issues) {
    if (issue.code === 'MORE_ISSUES') continue;
    expect(issue.locator.line).toBeGreaterThanOrEqual(1);
    expect(issue.locator.line).toBeLessThanOrEqual(lines);
  }
}

const noisyLine = fc.string({
  unit: fc.constantFrom(
    'a',
    'Z',
    '0',
    '9',
    ' ',
    '\t',
    ':',
    '.',
    '[',
    ']',
    '(',
    ')',
    ',',
    '"',
    '=',
    '*',
    '%',
    '/',
    '-',
    'ESTAB',
    'LISTEN',
    'tcp',
    'udp',
    'users:((',
    'timer:(',
    '::ffff:',
    '\u0000',
    '\uFFFD',
    'é',
  ),
  maxLength: 120,
});

const mutation = fc.record({
  line: fc.nat(),
  at: fc.nat(),
  kind: fc.constantFrom('truncate', 'garbage', 'drop-char', 'duplicate'),
  garbage: fc.string({
    unit: fc.constantFrom('\u0000', '\u0007', '\uFFFD', '\u00ff', ')', '(', '"', ' ', ':', '%'),
    minLength: 1,
    maxLength: 6,
  }),
});

function mutate(
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

async function* chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const part of parts)
    yield await Promise.resolve(typeof part === 'string' ? new TextEncoder().encode(part) : part);
}

describe.each(SUBJECTS)('$name parser on bad input', ({ parser, fixtures }) => {
  it('never throws on random lines and points every issue at a line', () => {
    fc.assert(
      fc.property(fc.array(noisyLine, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        expectWellFormed(parseText(parser, text), lineCount(text));
      }),
    );
  });

  it('keeps every other row when one line of a real listing is mutated', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), mutation, (text, change) => {
        const before = parseText(parser, text);
        const mutatedText = mutate(text, change);
        const after = parseText(parser, mutatedText);
        expectWellFormed(after, lineCount(mutatedText));
        const touched = (change.line % text.split('\n').length) + 1;
        const kept = new Set(after.value.map((item) => item.locator.line));
        for (const item of before.value) {
          // The mutated line and the detail line after it may change; nothing else may.
          if (item.locator.line !== touched && item.locator.line !== touched - 1) {
            expect(kept.has(item.locator.line)).toBe(true);
          }
        }
      }),
    );
  });

  it('reads binary garbage as text with issues, not exceptions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const outcome = await parseTextArtifact(parser, chunks(bytes), 'garbage.bin');
        expectWellFormed(outcome, outcome.unitsRead);
      }),
      { numRuns: 50 },
    );
  });

  it('skips a multi-megabyte line with LINE_TOO_LONG at its line and reads the rest', async () => {
    const text = fixtures[0]!;
    const lines = text.split('\n');
    const huge = `ESTAB 0 0 10.0.0.1:80 10.0.0.2:5000 ${'cwnd:10 '.repeat(400_000)}`;
    const outcome = await parseTextArtifact(
      parser,
      chunks(`${lines[0]!}\n`, huge, '\n', lines.slice(1).join('\n')),
      'big.txt',
      { maxLineBytes: 64 * 1024 },
    );
    expect(outcome.issues[0]).toMatchObject({ code: 'LINE_TOO_LONG', locator: { line: 2 } });
    expect(outcome.value.length).toBe(parseText(parser, text).value.length);
  });

  it('reads a multi-megabyte line of words in linear time', () => {
    const words = ['users:(("x",pid=1,fd=2)', 'timer:(on,', '[', '(', ':', '"', 'a=b'];
    for (const word of words) {
      const line = `ESTAB 0 0 10.0.0.1:80 10.0.0.2:5000 ${`${word} `.repeat(200_000)}`;
      const started = performance.now();
      const outcome = parseText(parser, `${line}\n${line.replaceAll(' ', '')}\n`);
      expect(performance.now() - started).toBeLessThan(4000);
      expectWellFormed(outcome, 3);
    }
  });
});
