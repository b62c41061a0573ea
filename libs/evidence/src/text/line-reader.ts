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
const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines with bounded memory. Bytes that are not UTF-8 become
 * U+FFFD rather than errors: logs with stray binary are common and the rest of the line is
 * still worth reading. Returns the number of lines delivered.
 */
export async function readLines(
  source: AsyncIterable<Uint8Array>,
  consumer: LineConsumer,
  issues: IssueCollector,
  options: LineReadOptions = {},
): Promise<number> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder('utf-8');
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let lineNumber = 0;
  let bytesRead = 0;

  const emit = (bytes: Uint8Array): void => {
    lineNumber += 1;
    let text = decoder.decode(bytes);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    consumer.line(text, lineNumber);
  };

  for await (const chunk of source) {
    bytesRead += chunk.length;
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (skipping) {
        // The rest of an over-long line: discard up to its newline.
      } else if (pendingBytes + piece.length > maxLineBytes) {
        lineNumber += 1;
        issues.atLine(
          lineNumber,
          'LINE_TOO_LONG',
          `line longer than ${maxLineBytes} bytes skipped`,
        );
        pending = [];
        pendingBytes = 0;
        skipping = true;
      } else if (newline !== -1) {
        if (pendingBytes === 0) emit(piece);
        else {
          pending.push(piece);
          emit(concat(pending, pendingBytes + piece.length));
          pending = [];
          pendingBytes = 0;
        }
      } else if (piece.length > 0) {
        // Copy: the caller may reuse the chunk's buffer after we return.
        pending.push(piece.slice());
        pendingBytes += piece.length;
      }
      if (newline === -1) break;
      skipping = false;
      start = newline + 1;
    }
    options.onProgress?.(bytesRead);
  }
  if (!skipping && pendingBytes > 0) emit(concat(pending, pendingBytes));
  return lineNumber;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
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
