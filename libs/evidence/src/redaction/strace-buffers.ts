/** System calls whose quoted argument is data read or written, not a name or a path. */
const DATA_CALL = /\b(?:read|write|send|recv|sendto|recvfrom|pread64|pwrite64)\(\d+, "/g;
const RESUMED = /<\.\.\. (?:read|write|send|recv|sendto|recvfrom|pread64|pwrite64) resumed>\s?"/g;
const IOV = /\biov_base="/g;

/**
 * strace prints (the start of) every buffer a program reads or writes: request lines,
 * headers, tokens. Their contents go; the quotes, the `...` marker and the lengths stay, so
 * the calls read as before. Returns the line and how many buffers were emptied.
 */
export function emptyStraceBuffers(line: string): { line: string; emptied: number } {
  if (!line.includes('"')) return { line, emptied: 0 };
  const opens: number[] = [];
  for (const pattern of [DATA_CALL, RESUMED, IOV]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(line); m !== null; m = pattern.exec(line))
      opens.push(m.index + m[0].length);
  }
  if (opens.length === 0) return { line, emptied: 0 };
  opens.sort((a, b) => a - b);
  let out = '';
  let copied = 0;
  let emptied = 0;
  for (const open of opens) {
    if (open < copied) continue;
    const close = closingQuote(line, open);
    if (close < 0) {
      // Cut by the end of the line: empty to the end.
      out += line.slice(copied, open);
      copied = line.length;
      emptied += 1;
      break;
    }
    if (close > open) emptied += 1;
    out += line.slice(copied, open);
    copied = close;
  }
  return { line: out + line.slice(copied), emptied };
}

/** Index of the quote closing a C string that starts at `from`, or -1. */
function closingQuote(line: string, from: number): number {
  for (let k = from; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === 0x5c) k += 1;
    else if (c === 0x22) return k;
  }
  return -1;
}
