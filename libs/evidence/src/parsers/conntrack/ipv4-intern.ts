/**
 * Reads a dotted quad in place and returns a shared string for it. conntrack output repeats a
 * few hundred addresses millions of times; keying a small hash table by the address's 32-bit
 * value means a repeated address costs no slice, no string hashing and no new string.
 */
const SLOTS = 8192;
const keys = new Float64Array(SLOTS).fill(-1);
const texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
// V8 copies slices shorter than this; longer ones would pin the whole line in memory.
const SHORT_SLICE = 13;

let end = 0;

/** Index just past the address last read by `readIpv4`. */
export function ipv4End(): number {
  return end;
}

/**
 * The canonical text of the IPv4 address at `start`, or undefined when the characters there
 * (up to the next space or the end) are not exactly one. Sets `ipv4End()`.
 */
export function readIpv4(line: string, start: number): string | undefined {
  let position = start;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let code = line.charCodeAt(position);
  for (;;) {
    if (code >= 0x30 && code <= 0x39) {
      // A leading zero (`010`) is not how any tool prints an address.
      if (digits === 3 || (digits === 1 && octet === 0)) return undefined;
      octet = octet * 10 + (code - 0x30);
      digits++;
    } else if (code === 0x2e && digits > 0 && dots < 3 && octet <= 255) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      break;
    }
    code = line.charCodeAt(++position);
  }
  if (dots !== 3 || digits === 0 || octet > 255) return undefined;
  // Only a space or the end may follow (NaN past the end).
  if (code === code && code !== 0x20) return undefined;
  value = value * 256 + octet;
  end = position;
  const slot = Math.imul(value | 0, 0x9e3779b1) >>> 19;
  if (keys[slot] === value) return texts[slot];
  const text =
    position - start < SHORT_SLICE ? line.slice(start, position) : flat(line, start, position);
  keys[slot] = value;
  texts[slot] = text;
  return text;
}

function flat(line: string, start: number, stop: number): string {
  let text = '';
  for (let position = start; position < stop; position++) text += line[position];
  return text;
}
