import { scanTopLevelJson, type JsonTopLevel } from './json-top-level.js';
import { unwrapLogLine } from './log-envelope.js';

/**
 * How much text the format detectors look at. Every format here shows itself within its first
 * few dozen lines; a bounded sample keeps detection far below a millisecond whatever the
 * head holds (one 64 KiB line, 30 000 short ones).
 */
export const MAX_SAMPLED_LINES = 200;
export const MAX_SAMPLED_BYTES = 32768;
/** Longer lines are cut before matching (an Envoy JSON access-log line is ~1-2 KiB). */
export const MAX_LINE_CHARS = 2048;

export interface TextSample {
  /** Non-blank lines from the start, trailing whitespace removed, each cut at MAX_LINE_CHARS. */
  readonly lines: readonly string[];
  /** The same lines with container-log envelopes (CRI, kubectl --timestamps, Docker) removed. */
  readonly contentLines: readonly string[];
  /** The decoded sample, without the unfinished last line when one was dropped. */
  readonly text: string;
  /** True when the sample ended inside a line and that line was left out. */
  readonly droppedPartialLine: boolean;
  /** Top-level keys when the text is a JSON object document. */
  readonly json: JsonTopLevel | undefined;
}

const decoder = new TextDecoder('utf-8');

export function sampleText(head: Uint8Array): TextSample {
  const window = head.length > MAX_SAMPLED_BYTES ? head.subarray(0, MAX_SAMPLED_BYTES) : head;
  // The window is a prefix of the file: its last line may be cut short (even inside a UTF-8
  // character), so it is left out, unless it is the only line there is.
  const lastNewline = window.lastIndexOf(0x0a);
  const dropPartial = lastNewline >= 0 && lastNewline < window.length - 1;
  const complete = dropPartial ? window.subarray(0, lastNewline + 1) : window;
  const text = decoder.decode(complete);
  const lines = firstLines(text);
  return {
    lines,
    contentLines: lines.map(unwrapLogLine),
    text,
    droppedPartialLine: dropPartial,
    json: scanTopLevelJson(text),
  };
}

function firstLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length && lines.length < MAX_SAMPLED_LINES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + MAX_LINE_CHARS)).trimEnd();
    if (line !== '') lines.push(line);
    start = end + 1;
  }
  return lines;
}
