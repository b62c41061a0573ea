import { describe, expect, it } from 'vitest';
import { readLineWindow } from './line-window.js';

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += size)
    yield await Promise.resolve(bytes.subarray(at, at + size));
}

const TEXT = 'one\ntwo\r\nthrée ✓\nfour\nfive';

describe('readLineWindow', () => {
  it('should return the numbered lines of the window, whatever the chunking', async () => {
    for (const size of [1, 2, 5, 1000]) {
      expect(await readLineWindow(chunks(TEXT, size), 2, 4, 100)).toEqual({
        lines: [
          { number: 2, text: 'two' },
          { number: 3, text: 'thrée ✓' },
          { number: 4, text: 'four' },
        ],
        endOfFile: false,
      });
    }
  });

  it('should say when the file ends inside the window, last line without newline included', async () => {
    expect(await readLineWindow(chunks(TEXT, 3), 4, 10, 100)).toEqual({
      lines: [
        { number: 4, text: 'four' },
        { number: 5, text: 'five' },
      ],
      endOfFile: true,
    });
    expect(await readLineWindow(chunks('a\n', 3), 5, 10, 100)).toEqual({
      lines: [],
      endOfFile: true,
    });
  });

  it('should stop reading at the last line of the window', async () => {
    let reads = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        reads++;
        yield await Promise.resolve(Buffer.from('line\n'.repeat(10)));
      }
    }
    const window = await readLineWindow(endless(), 1, 25, 100);
    expect(window.lines).toHaveLength(25);
    expect(reads).toBe(3);
  });

  it('should cut long lines', async () => {
    const window = await readLineWindow(chunks(`${'x'.repeat(50)}\n`, 7), 1, 1, 10);
    expect(window.lines[0]?.text).toBe(`${'x'.repeat(10)}…`);
  });
});
