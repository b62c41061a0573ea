import { sampledLines, shareConfidence } from '../confidence.js';
import type { KindDetection } from '../kind-detection.js';
import type { TextSample } from '../text-sample.js';

/**
 * strace output: `syscall(args) = result` lines, optionally behind a pid (`[pid  123] ` with -f
 * on a terminal, `123  ` with -f -o) and a timestamp (`12:00:00.123456` with -tt, epoch with
 * -ttt), with `<unfinished ...>`/`<... resumed>` pairs when threads interleave, signal lines
 * (`--- SIGCHLD {...} ---`), exit lines (`+++ exited with 0 +++`) and strace's own notes
 * (`strace: Process 123 attached`). The traced program's stderr often lands in between.
 */

const PREFIX =
  '^(?:\\[pid +\\d+\\] |\\d+ +)?(?:\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})? +|\\d{9,11}\\.\\d{1,9} +)?';
const SYSCALL_CALL = new RegExp(`${PREFIX}[a-z_][a-z0-9_]*\\(`);
// Checked after SYSCALL_CALL on the same line; kept apart so neither needs two open-ended gaps.
const SYSCALL_RESULT = /\) += (?:-?\d+|\?|0x[0-9a-f]+)(?: |$)| <unfinished \.\.\.>$/;
const RESUMED = new RegExp(`${PREFIX}<\\.\\.\\. [a-z_][a-z0-9_]* resumed>`);
const SIGNAL_OR_EXIT = new RegExp(
  `${PREFIX}(?:--- SIG[A-Z0-9]+ |\\+\\+\\+ (?:exited with -?\\d+|killed by SIG[A-Z0-9]+))`,
);
const STRACE_NOTE = /^strace: (?:Process \d+ (?:attached|detached)|\[ Process PID=\d+ runs in)/;

export function detectStrace(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  let calls = 0;
  let other = 0;
  for (const line of lines) {
    if (SYSCALL_CALL.test(line) && SYSCALL_RESULT.test(line)) calls++;
    else if (RESUMED.test(line) || SIGNAL_OR_EXIT.test(line) || STRACE_NOTE.test(line)) other++;
  }
  // Without -e filters matching early, the first lines may be only process notes and exits;
  // those are strace's own wording and enough on their own when there are a few.
  if (calls === 0 && other < 2) return undefined;
  return {
    kind: 'strace',
    confidence: shareConfidence(calls + other, lines.length, 0.5, 0.97),
    reason: `${sampledLines(calls + other, lines.length, 'are strace output')} (${calls} system calls)`,
  };
}
