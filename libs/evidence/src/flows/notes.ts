/** Durations the way people read them in a note: `850 µs`, `12.3 ms`, `1.02 s`, `4 min 5 s`. */
export function formatDuration(us: number): string {
  const abs = Math.abs(us);
  if (abs < 1000) return `${Math.round(us)} µs`;
  if (abs < 1_000_000) return `${trim(us / 1000)} ms`;
  if (abs < 120_000_000) return `${trim(us / 1_000_000)} s`;
  const seconds = Math.round(us / 1_000_000);
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];

/** `SYN+ACK`, `PSH+ACK`, `RST`: TCP flags in header order. */
export function formatFlags(flags: number): string {
  const names: string[] = [];
  for (let bit = 0; bit < 8; bit++)
    if ((flags & (1 << bit)) !== 0) names.push(FLAG_NAMES[bit] as string);
  // People write SYN+ACK and FIN+ACK, not FIN+SYN...: put the control flag first.
  return names.join('+') || 'no flags';
}

/** A short description of a segment: `SYN`, `data (1448 bytes)`, `FIN+ACK`, `pure ACK`. */
export function describeSegment(flags: number, length: number): string {
  if ((flags & 0x07) !== 0) return formatFlags(flags & 0x17);
  if (length > 0) return `data (${length} bytes)`;
  return 'pure ACK';
}
