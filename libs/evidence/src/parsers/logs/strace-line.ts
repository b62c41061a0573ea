import { secondsToUs } from '../shared/timestamps.js';

export type StraceClock = 'epoch' | 'time-of-day' | 'relative' | 'none';

/** The prefix strace puts before a call: pid (`[pid N]` or `-o`'s column) and time. */
export interface StraceLinePrefix {
  readonly pid?: number;
  readonly clock: StraceClock;
  /** Per the clock: µs since the epoch, since midnight, or since the previous line. */
  readonly timeUs?: number;
  readonly body: string;
}

const PID_BRACKET = /^\[pid +(\d+)\] /;
const PID_COLUMN = /^(\d+) +(?=\S)/;
const TIME_OF_DAY = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? +/;
const SECONDS = /^ *(\d+)\.(\d{1,9}) +/;

export function parseStraceLinePrefix(line: string): StraceLinePrefix {
  let rest = line;
  let pid: number | undefined;
  const bracket = PID_BRACKET.exec(rest);
  if (bracket) {
    pid = Number(bracket[1]);
    rest = rest.slice(bracket[0].length);
  } else {
    const column = PID_COLUMN.exec(rest);
    // A bare number is a pid only when something strace-like follows it.
    if (
      column &&
      /^(?:\d\d:\d\d:\d\d|\d+\.\d+ |[a-z_][a-z0-9_]*\(|<\.\.\. |--- |\+\+\+ )/.test(
        rest.slice(column[0].length),
      )
    ) {
      pid = Number(column[1]);
      rest = rest.slice(column[0].length);
    }
  }
  const tod = TIME_OF_DAY.exec(rest);
  if (tod) {
    const seconds = Number(tod[1]) * 3600 + Number(tod[2]) * 60 + Number(tod[3]);
    return {
      ...(pid !== undefined ? { pid } : {}),
      clock: 'time-of-day',
      timeUs: secondsToUs(String(seconds), tod[4]),
      body: rest.slice(tod[0].length),
    };
  }
  const seconds = SECONDS.exec(rest);
  if (seconds) {
    // -ttt prints seconds since the epoch (ten digits for decades to come); -r small deltas.
    const clock: StraceClock = (seconds[1] ?? '').length >= 9 ? 'epoch' : 'relative';
    return {
      ...(pid !== undefined ? { pid } : {}),
      clock,
      timeUs: secondsToUs(seconds[1] ?? '0', seconds[2]),
      body: rest.slice(seconds[0].length),
    };
  }
  return { ...(pid !== undefined ? { pid } : {}), clock: 'none', body: rest };
}
