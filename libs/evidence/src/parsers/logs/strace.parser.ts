import type { SyscallEvent } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { ItemBudget } from '../shared/item-budget.js';
import { skipBinaryLine } from '../shared/line-hygiene.js';
import { parseStraceBody, type StraceTail } from './strace-call.js';
import { parseStraceLinePrefix, type StraceClock } from './strace-line.js';
import { addressOf, fdOf, socketErrorOf } from './strace-sockaddr.js';

/**
 * A parsed strace, with what its times mean: `timeUs` of each event is µs since the epoch
 * (`-ttt`), since midnight of an unnamed day (`-t`/`-tt`), or since the previous line (`-r`).
 * `SyscallEvent` has no field for which; a later stage anchors time-of-day with a date from
 * the bundle.
 */
export interface SyscallTrace {
  readonly clock: StraceClock;
  readonly events: readonly SyscallEvent[];
}

/** What sockets do; the rest (mmap, openat, …) is counted, not kept. */
const SOCKET_CALLS = new Set([
  'socket', 'socketpair', 'connect', 'bind', 'listen', 'accept', 'accept4', 'shutdown', 'close',
  'read', 'write', 'readv', 'writev', 'send', 'recv', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg',
  'sendmmsg', 'recvmmsg', 'setsockopt', 'getsockopt', 'getsockname', 'getpeername', 'poll',
  'ppoll', 'select', 'pselect6', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'sendfile', 'splice',
]); // prettier-ignore

interface Pending {
  readonly line: number;
  readonly name: string;
  readonly args: string;
  readonly pid?: number;
  readonly timeUs?: number;
}

/** `strace -f` with `-t/-tt/-ttt/-r/-T/-y/-yy`, `-o` files with a pid column, `-ff` per-pid files. */
export const straceParser: TextArtifactParser<SyscallTrace> = {
  kinds: ['strace'],
  isEmpty: (trace) => trace.events.length === 0,
  start({ artifact, issues, limits }) {
    const events: SyscallEvent[] = [];
    const budget = new ItemBudget(limits.maxItems, 'system calls');
    // Keyed by pid: a thread's call is interrupted by others' lines and resumed later.
    const pending = new Map<number, Pending>();
    let clock: StraceClock = 'none';

    const emit = (call: Pending, tail: StraceTail | undefined): void => {
      if (!SOCKET_CALLS.has(call.name) || !budget.take(call.line)) return;
      const fd = fdOf(call.name, call.args);
      const address = addressOf(call.args);
      const errno = tail?.errno ?? socketErrorOf(call.name, call.args);
      events.push({
        locator: { artifact, line: call.line },
        name: call.name,
        args: call.args,
        result: tail?.result ?? 'unfinished',
        ...(call.pid !== undefined ? { pid: call.pid } : {}),
        ...(call.timeUs !== undefined ? { timeUs: call.timeUs } : {}),
        ...(errno ? { errno } : {}),
        ...(fd !== undefined ? { fd } : {}),
        ...(address ? { address } : {}),
        ...(tail?.durationUs !== undefined ? { durationUs: tail.durationUs } : {}),
      });
    };

    return {
      line(text, lineNumber) {
        if (text.trim() === '' || skipBinaryLine(text, lineNumber, issues)) return;
        const prefix = parseStraceLinePrefix(text);
        if (clock === 'none' && prefix.clock !== 'none') clock = prefix.clock;
        const body = parseStraceBody(prefix.body);
        const base = {
          line: lineNumber,
          ...(prefix.pid !== undefined ? { pid: prefix.pid } : {}),
          ...(prefix.timeUs !== undefined ? { timeUs: prefix.timeUs } : {}),
        };
        switch (body.kind) {
          case 'noise':
            return;
          case 'unreadable':
            // The traced program's own output often lands in the same file: only a line that
            // starts like strace's and then breaks off is a problem worth reporting.
            if (
              prefix.pid !== undefined ||
              prefix.clock !== 'none' ||
              /^(?:[a-z_][a-z0-9_]*\(|<\.\.\. )/.test(prefix.body)
            ) {
              issues.atLine(
                lineNumber,
                'UNPARSEABLE_LINE',
                'system call line cut short or garbled',
              );
            }
            return;
          case 'complete':
            emit({ ...base, name: body.name, args: body.args }, body.tail);
            return;
          case 'unfinished': {
            const key = prefix.pid ?? -1;
            const earlier = pending.get(key);
            if (earlier) emit(earlier, undefined);
            pending.set(key, { ...base, name: body.name, args: body.args });
            return;
          }
          case 'resumed': {
            const key = prefix.pid ?? -1;
            const started = pending.get(key);
            if (started && started.name === body.name) {
              pending.delete(key);
              const args = [started.args.replace(/,\s*$/, ''), body.args]
                .filter(Boolean)
                .join(', ');
              emit({ ...started, args }, body.tail);
            } else {
              // Its start is in another file (-ff) or before the capture began.
              emit({ ...base, name: body.name, args: body.args }, body.tail);
            }
            return;
          }
        }
      },
      finish() {
        // Calls still blocked when tracing stopped: a hung connect or read is evidence too.
        for (const call of [...pending.values()].sort((a, b) => a.line - b.line))
          emit(call, undefined);
        pending.clear();
        budget.report(issues);
        events.sort((a, b) => (a.locator.line ?? 0) - (b.locator.line ?? 0));
        return { clock, events };
      },
    };
  },
};
