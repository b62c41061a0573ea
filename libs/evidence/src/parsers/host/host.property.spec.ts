import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText, parseTextArtifact, type TextArtifactParser } from '../text-artifact-parser.js';
import { netCountersParser } from './net-counters.parser.js';
import { sysctlParser } from './sysctl.parser.js';
import { unameParser } from './uname.parser.js';

// Bad input never throws, never hangs, and every line number given points at a real line.

const fixture = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');

type Outcome = { value: unknown; issues: readonly { code: string; locator: { line?: number } }[] };

/** Line numbers the value gives: its own locator and, for sysctl, the line of every key. */
function linesIn(value: unknown): number[] {
  if (typeof value !== 'object' || value === null) return [];
  const lines: number[] = [];
  const { locator, lines: keyLines } = value as {
    locator?: { line?: number };
    lines?: Record<string, number>;
  };
  if (locator?.line !== undefined) lines.push(locator.line);
  if (keyLines) lines.push(...Object.values(keyLines));
  return lines;
}

function expectWellFormed(outcome: Outcome, lines: number): void {
  for (const line of linesIn(outcome.value)) {
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(lines);
  }
  for (const issue of outcome.issues) {
    if (issue.code === 'MORE_ISSUES') continue;
    expect(issue.locator.line).toBeGreaterThanOrEqual(1);
    expect(issue.locator.line).toBeLessThanOrEqual(lines);
  }
}

const SUBJECTS: readonly {
  name: string;
  parser: TextArtifactParser<unknown>;
  fixtures: readonly string[];
}[] = [
  {
    name: 'sysctl',
    parser: sysctlParser,
    fixtures: [
      fixture('sysctl/net-in-netns.txt'),
      fixture('sysctl/proc-sys-grep.txt'),
      fixture('sysctl/picked-keys-with-missing-key.txt'),
    ],
  },
  {
    name: 'uname',
    parser: unameParser,
    fixtures: [
      fixture('uname/gke-cos.txt'),
      fixture('uname/proc-version-debian.txt'),
      fixture('uname/r-release-only.txt'),
    ],
  },
  {
    name: 'net-counters',
    parser: netCountersParser,
    fixtures: [
      fixture('net-counters/netstat-s-server-listen-overflow-abort-on-close.txt'),
      fixture('net-counters/proc-net-netstat-server.txt'),
      fixture('net-counters/nstat-a-server.txt'),
    ],
  },
];

const noisyLine = fc.string({
  unit: fc.constantFrom(
    'a',
    'Z',
    '0',
    '7',
    ' ',
    '\t',
    '=',
    ' = ',
    '.',
    ':',
    '/',
    '-',
    '#',
    '{',
    '}',
    '"',
    'Tcp:',
    'TcpExt',
    '/proc/sys/',
    '==> ',
    ' <==',
    'Linux ',
    '6.1.0',
    'sysctl: ',
    '\u0000',
    '\uFFFD',
    'é',
  ),
  maxLength: 120,
});

async function* chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const part of parts)
    yield await Promise.resolve(typeof part === 'string' ? new TextEncoder().encode(part) : part);
}

describe.each(SUBJECTS)('$name parser on bad input', ({ parser, fixtures }) => {
  it('never throws on random lines and points every line number at a line', () => {
    fc.assert(
      fc.property(fc.array(noisyLine, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        expectWellFormed(parseText(parser, text), text.split('\n').length);
      }),
    );
  });

  it('never throws on real dumps with a line cut, doubled or salted with garbage', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.string({
          unit: fc.constantFrom('\u0000', '\uFFFD', ' ', '=', ':', '{', 'x'),
          minLength: 1,
          maxLength: 5,
        }),
        (text, line, at, kind, garbage) => {
          const lines = text.split('\n');
          const index = line % lines.length;
          const original = lines[index]!;
          const cut = original.length === 0 ? 0 : at % original.length;
          lines[index] = [
            original.slice(0, cut),
            original.slice(0, cut) + garbage + original.slice(cut),
            `${original} ${original}`,
          ][kind % 3]!;
          expectWellFormed(parseText(parser, lines.join('\n')), lines.length);
        },
      ),
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
    const outcome = await parseTextArtifact(
      parser,
      chunks('x'.repeat(3_000_000), '\n', text),
      'big.txt',
      {
        maxLineBytes: 64 * 1024,
      },
    );
    expect(outcome.issues[0]).toMatchObject({ code: 'LINE_TOO_LONG', locator: { line: 1 } });
    expect(JSON.stringify(outcome.value)).toBe(
      JSON.stringify(parseText(parser, `\n${text}`, 'big.txt').value),
    );
  });

  it('reads multi-megabyte lines of repeated words in linear time', () => {
    for (const word of ['a.b=1', 'Tcp: 1', '==>', ':', '/proc/sys/a', '1 ', 'Tcp:', '{']) {
      const line = `${word} `.repeat(300_000);
      const started = performance.now();
      const outcome = parseText(parser, `${line}\n    ${line}\n${line.replaceAll(' ', '')}\n`);
      expect(performance.now() - started).toBeLessThan(4000);
      expectWellFormed(outcome, 4);
    }
  });
});
