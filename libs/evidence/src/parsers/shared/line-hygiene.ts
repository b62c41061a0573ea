import type { IssueCollector } from '../../text/issue-collector.js';

/**
 * Meaningful log lines are short; pattern matching looks at this much of a line at most, so a
 * pathological megabyte-long line costs linear time whatever the regular expressions do.
 */
export const SCAN_WINDOW = 16 * 1024;

export function scanWindow(line: string): string {
  return line.length > SCAN_WINDOW ? line.slice(0, SCAN_WINDOW) : line;
}

const TAB = 9;
const LINE_FEED = 10;
const ESCAPE = 27;

// C0 controls other than tab and ESC (coloured logs keep their escapes) mean binary data.
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 32 && code !== TAB && code !== LINE_FEED && code !== ESCAPE) return true;
  }
  return false;
}
const REPLACEMENT = /\uFFFD/g;

/**
 * Whether a line is binary rather than text: the line reader turns bad UTF-8 into U+FFFD, so a
 * stray byte (a Latin-1 host name) is tolerated while a run of them is not.
 */
export function isBinaryLine(line: string): boolean {
  const window = scanWindow(line);
  if (hasControl(window)) return true;
  const replaced = window.match(REPLACEMENT)?.length ?? 0;
  return replaced >= 3 && replaced * 20 >= window.length;
}

/** Records the issue for a binary line; returns true when the caller should skip it. */
export function skipBinaryLine(line: string, lineNumber: number, issues: IssueCollector): boolean {
  if (!isBinaryLine(line)) return false;
  issues.atLine(lineNumber, 'BINARY_DATA', 'line holds binary data, not text; skipped');
  return true;
}
