import type { LogErrorKind } from '@netmortem/domain';

export interface ErrorMatch {
  readonly kind: LogErrorKind;
  /** The words that gave it away, for the evidence note. */
  readonly phrase: string;
}

// Ordered: a line naming both a reset and the lost port-forward it caused is the reset, and
// the specific socket errors win over the generic "closed"/EOF family.
const PATTERNS: readonly (readonly [LogErrorKind, RegExp])[] = [
  ['LOST_CONNECTION', /lost connection to pod/i],
  [
    'ECONNRESET',
    /connection reset(?: by peer)?|\bECONNRESET\b|ConnectionResetError|\[Errno 104\]|\(104: |socket hang up/i,
  ],
  ['EPIPE', /broken pipe|\bEPIPE\b|BrokenPipeError|\[Errno 32\]|\(32: /i],
  [
    'ECONNREFUSED',
    /connection refused|\bECONNREFUSED\b|ConnectionRefusedError|\[Errno 111\]|\(111: /i,
  ],
  ['EHOSTUNREACH', /no route to host|\bEHOSTUNREACH\b|\[Errno 113\]|\(113: /i],
  ['ENETUNREACH', /network is unreachable|\bENETUNREACH\b|\[Errno 101\]|\(101: /i],
  [
    'ECONNABORTED',
    /software caused connection abort|\bECONNABORTED\b|ConnectionAbortedError|\[Errno 103\]/i,
  ],
  [
    'ETIMEDOUT',
    /connection timed out|\bETIMEDOUT\b|i\/o timeout|connect timed out|read timed out|\btimed out\b|deadline exceeded|Timeout exceeded|\[Errno 110\]|\(110: /i,
  ],
  [
    'EOF',
    /server closed the connection unexpectedly|SSL SYSCALL error: EOF detected|unexpected EOF|upstream prematurely closed connection|server closed idle connection|connection has been closed|Connection closed by (?:foreign host|peer)|RemoteDisconnected|IncompleteRead|\bEOF\b/,
  ],
];

// Lines that only continue a record already reported (stack frames, error object fields).
const CONTINUATION = /^\s+(?:at |code:|errno:|syscall:|address:|port:|File "|\.\.\. \d+ )/;

export function connectionErrorOf(text: string): ErrorMatch | undefined {
  if (CONTINUATION.test(text)) return undefined;
  for (const [kind, pattern] of PATTERNS) {
    const m = pattern.exec(text);
    if (m) return { kind, phrase: m[0] };
  }
  return undefined;
}
