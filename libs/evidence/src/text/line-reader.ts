import { StringDecoder } from 'node:string_decoder';
import type { IssueCollector } from './issue-collector.js';

/** Receives a text artifact one line at a time (newline and trailing CR removed). */
export interface LineConsumer {
  line(text: string, lineNumber: number): void;
}

export interface LineReadOptions {
  /** Longer lines are reported (LINE_TOO_LONG) and skipped, never held whole. Default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Called with the bytes read so far, for progress bars. */
  readonly onProgress?: (bytesRead: number) => void;
}

const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines with bounded memory. Bytes that are not UTF-8 become
 * U+FFFD rather than errors: logs with stray binary are common and the rest of the line is
 * still worth reading. Each chunk is decoded once and split as a string (decoding line by
 * line costs more than the parsers themselves). Returns the number of lines delivered.
 */
export async function readLines(
  source: AsyncIterable<Uint8Array>,
  consumer: LineConsumer,
  issues: IssueCollector,
  options: LineReadOptions = {},
): Promise<number> {
  // Lengths are counted in UTF-16 code units: the same as bytes for the ASCII these tools print.
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  // Node's StringDecoder decodes UTF-8 several times faster than TextDecoder, and keeps a
  // character split across chunks whole just the same.
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let skipping = false;
  let lineNumber = 0;
  let bytesRead = 0;

  const deliver = (line: string): void => {
    lineNumber += 1;
    consumer.line(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line, lineNumber);
  };
  const tooLong = (): void => {
    lineNumber += 1;
    issues.atLine(lineNumber, 'LINE_TOO_LONG', `line longer than ${maxLine} bytes skipped`);
    carry = '';
    skipping = true;
  };
  const take = (text: string): void => {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) {
        const rest = text.length - start;
        if (skipping) return;
        if (carry.length + rest > maxLine) tooLong();
        else carry = carry.length === 0 ? text.slice(start) : carry + text.slice(start);
        return;
      }
      if (skipping) skipping = false;
      else if (carry.length + newline - start > maxLine) {
        tooLong();
        skipping = false;
      } else if (carry.length === 0) deliver(text.slice(start, newline));
      else {
        deliver(carry + text.slice(start, newline));
        carry = '';
      }
      start = newline + 1;
    }
  };

  for await (const chunk of source) {
    bytesRead += chunk.length;
    take(
      decoder.write(
        chunk instanceof Buffer
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
      ),
    );
    options.onProgress?.(bytesRead);
  }
  take(decoder.end());
  if (!skipping && carry.length > 0) deliver(carry);
  return lineNumber;
}

/** The same, for text already in memory (tests, small files). */
export function readTextLines(text: string, consumer: LineConsumer): number {
  let lineNumber = 0;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    lineNumber += 1;
    consumer.line(line, lineNumber);
    if (newline === -1) break;
    start = newline + 1;
  }
  return lineNumber;
}
