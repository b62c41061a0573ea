/** A kernel log line as plain `dmesg` prints it: `[  812.345678] text`. */
const STAMPED = /^\[\s*(\d+\.\d+)\]/;

/** Monotonic seconds of the last stamped line, or 0 when there is none. */
export function lastKernelStamp(dmesg: string): number {
  let last = 0;
  for (const line of dmesg.split('\n')) {
    const stamp = STAMPED.exec(line);
    if (stamp) last = Number(stamp[1]);
  }
  return last;
}

/**
 * Indexes of the lines written after `since` (the last stamp seen when the lab started);
 * unstamped continuation lines follow the line they continue.
 */
export function linesAfter(dmesg: string, since: number): number[] {
  const picked: number[] = [];
  let taking = false;
  dmesg.split('\n').forEach((line, index) => {
    const stamp = STAMPED.exec(line);
    if (stamp) taking = Number(stamp[1]) > since;
    if (taking && line !== '') picked.push(index);
  });
  return picked;
}
