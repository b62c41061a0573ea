import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from './issue-collector.js';
import { readLines, readTextLines } from './line-reader.js';

function chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (const part of parts)
      yield await Promise.resolve(typeof part === 'string' ? new TextEncoder().encode(part) : part);
  })();
}

async function collect(source: AsyncIterable<Uint8Array>, maxLineBytes?: number) {
  const lines: [number, string][] = [];
  const issues = new IssueCollector('f.txt');
  const count = await readLines(
    source,
    { line: (text, n) => lines.push([n, text]) },
    issues,
    maxLineBytes ? { maxLineBytes } : {},
  );
  return { lines, count, issues: issues.list() };
}

describe(readLines.name, () => {
  it('should split across chunk boundaries and strip CR', async () => {
    const { lines, count } = await collect(chunks('ab', 'c\r\nde', 'f\n', '\nlast'));
    expect(lines).toEqual([
      [1, 'abc'],
      [2, 'def'],
      [3, ''],
      [4, 'last'],
    ]);
    expect(count).toBe(4);
  });

  it('should skip an over-long line with an issue naming it, and go on', async () => {
    const { lines, issues } = await collect(
      chunks('ok\n', 'x'.repeat(30), 'y'.repeat(30), '\nafter\n'),
      40,
    );
    expect(lines).toEqual([
      [1, 'ok'],
      [3, 'after'],
    ]);
    expect(issues).toEqual([
      {
        locator: { artifact: 'f.txt', line: 2 },
        code: 'LINE_TOO_LONG',
        message: 'line longer than 40 bytes skipped',
      },
    ]);
  });

  it('should turn invalid UTF-8 into replacement characters', async () => {
    const { lines } = await collect(chunks(new Uint8Array([0x61, 0xff, 0x62, 0x0a])));
    expect(lines).toEqual([[1, 'a\uFFFDb']]);
  });

  it('should agree with the in-memory splitter on any text and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', 'é', '\n', '\r', 'z') }),
        fc.array(fc.nat(20), { maxLength: 8 }),
        async (text, cuts) => {
          const bytes = new TextEncoder().encode(text);
          const pieces: Uint8Array[] = [];
          let start = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            const end = Math.min(bytes.length, cut);
            if (end > start) pieces.push(bytes.subarray(start, end));
            start = Math.max(start, end);
          }
          pieces.push(bytes.subarray(start));
          const streamed = await collect(chunks(...pieces));
          const expected: [number, string][] = [];
          readTextLines(text, { line: (line, n) => expected.push([n, line]) });
          expect(streamed.lines).toEqual(expected);
        },
      ),
    );
  });
});

describe(IssueCollector.name, () => {
  it('should cap kept issues and count the rest', () => {
    const sut = new IssueCollector('a', 2);
    for (let i = 1; i <= 5; i += 1) sut.atLine(i, 'BAD', 'bad');
    expect(sut.count).toBe(5);
    expect(sut.list().map((issue) => issue.code)).toEqual(['BAD', 'BAD', 'MORE_ISSUES']);
  });
});
