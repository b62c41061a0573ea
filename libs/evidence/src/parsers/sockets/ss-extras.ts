import type { SocketProcess, SocketTimer } from '@netmortem/domain';
import { parseSsTimer } from './socket-timer.js';
import { parseSsUsers } from './ss-users.js';

/** What ss prints after the two addresses and on its indented -i/-m/-e detail lines. */
export interface SsExtras {
  timer?: SocketTimer;
  processes?: SocketProcess[];
  inode?: number;
  uid?: number;
  details?: Record<string, string>;
}

// The few -i fields printed as "name value" rather than "name:value".
const SPACED_FIELDS = new Set(['send', 'pacing_rate', 'delivery_rate', 'max_pacing_rate']);
// `<->` after -e: whether each direction has been shut down (`-->`: a FIN was received).
const SHUTDOWN_MARKS = new Set(['<->', '-->', '<--', '---']);

/**
 * Reads the words of `text` from `start` into `into`. Unknown words are kept in `details`
 * verbatim (ss grows new ones every release); returns what could not be read, if anything.
 */
export function readSsExtras(text: string, start: number, into: SsExtras): string | undefined {
  let problem: string | undefined;
  let position = start;
  // After one unreadable users:(…) the rest of the line is read as plain words: a failed
  // search may have run to the end of the line, and must not run there again.
  let usersReadable = true;
  for (;;) {
    while (position < text.length && isSpace(text.charCodeAt(position))) position++;
    if (position >= text.length) return problem;
    if (usersReadable && text.startsWith('users:(', position)) {
      const users = parseSsUsers(text, position);
      if (users) {
        into.processes = [...(into.processes ?? []), ...users.processes];
        position = users.end;
        continue;
      }
      usersReadable = false;
      problem ??= 'unreadable users:(...) field';
    }
    let end = position;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
    const word = text.slice(position, end);
    position = end;
    if (SPACED_FIELDS.has(word)) {
      const valueStart = skipSpaces(text, position);
      let valueEnd = valueStart;
      while (valueEnd < text.length && !isSpace(text.charCodeAt(valueEnd))) valueEnd++;
      if (valueEnd > valueStart) {
        setDetail(into, word, text.slice(valueStart, valueEnd));
        position = valueEnd;
        continue;
      }
    }
    problem = readWord(word, into) ?? problem;
  }
}

function readWord(word: string, into: SsExtras): string | undefined {
  if (SHUTDOWN_MARKS.has(word)) {
    setDetail(into, 'shutdown', word);
    return undefined;
  }
  const colon = word.indexOf(':');
  if (colon <= 0) {
    // A bare flag (ts, sack, ecn, app_limited) or the congestion control's name.
    if (!into.details || !(word in into.details)) setDetail(into, word, '');
    return undefined;
  }
  const key = word.slice(0, colon);
  const value = word.slice(colon + 1);
  switch (key) {
    case 'timer': {
      const timer = parseSsTimer(value);
      if (!timer) return `unreadable timer "${value}"`;
      into.timer = timer;
      return undefined;
    }
    case 'ino':
    case 'uid': {
      if (!/^\d{1,15}$/.test(value)) return `unreadable ${key} "${value}"`;
      if (key === 'ino') into.inode = Number(value);
      else into.uid = Number(value);
      return undefined;
    }
    default:
      setDetail(into, key, value);
      return undefined;
  }
}

function setDetail(into: SsExtras, key: string, value: string): void {
  // A prototype-free record: ss keys such as `constructor` must not reach Object.prototype.
  into.details ??= Object.create(null) as Record<string, string>;
  into.details[key] = value;
}

function skipSpaces(text: string, position: number): number {
  while (position < text.length && isSpace(text.charCodeAt(position))) position++;
  return position;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
