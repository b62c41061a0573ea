import { StringDecoder } from 'node:string_decoder';

export interface NumberedLine {
  /** 1-based, as locators count lines. */
  readonly number: number;
  readonly text: string;
}

export interface LineWindow {
  readonly lines: readonly NumberedLine[];
  /** The file ended inside (or before) the window. */
  readonly endOfFile: boolean;
}

const NEWLINE = 0x0a;

/**
 * Lines `first`..`last` of a text stream, read only as far as `last`: artifacts can be
 * gigabytes, and a viewer needs a screenful around one line. Each kept line is cut to
 * `maxChars` so one binary-ish line cannot blow up the answer; bytes of skipped lines are
 * never decoded.
 */
export async function readLineWindow(
  source: AsyncIterable<Uint8Array>,
  first: number,
  last: number,
  maxChars: number,
): Promise<LineWindow> {
  const lines: NumberedLine[] = [];
  const decoder = new StringDecoder('utf8');
  let number = 1;
  let current = '';
  const keep = (bytes: Buffer): void => {
    if (number >= first && current.length < maxChars) current += decoder.write(bytes);
  };
  for await (const chunk of source) {
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      keep(Buffer.from(chunk.buffer, chunk.byteOffset + start, at - start));
      if (number >= first)
        lines.push({ number, text: finished(current + decoder.end(), maxChars) });
      current = '';
      number++;
      start = at + 1;
      if (number > last) return { lines, endOfFile: false };
    }
    keep(Buffer.from(chunk.buffer, chunk.byteOffset + start, chunk.length - start));
  }
  const rest = number >= first ? current + decoder.end() : '';
  if (number >= first && rest.length > 0) lines.push({ number, text: finished(rest, maxChars) });
  return { lines, endOfFile: true };
}

function finished(text: string, maxChars: number): string {
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  return line.length > maxChars ? `${line.slice(0, maxChars)}…` : line;
}
