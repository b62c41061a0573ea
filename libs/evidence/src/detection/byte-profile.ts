/**
 * Whether a head of bytes is text worth sampling. Logs copied off nodes are UTF-8 (or ASCII),
 * sometimes with ANSI colours, a stray Latin-1 byte or a run of NULs left by an unclean
 * shutdown; binary formats are dense in NULs, control bytes and invalid sequences. A small
 * share of oddities is therefore tolerated rather than any single bad byte being fatal.
 */
export interface ByteProfile {
  readonly isText: boolean;
  /** Bytes that are NUL, a control byte text does not use, or not valid UTF-8. */
  readonly oddBytes: number;
  /** How many bytes were profiled (at most PROFILED_BYTES). */
  readonly length: number;
}

const MAX_ODD_SHARE = 0.01;
/** Text or binary shows within the first kilobytes; judging those keeps the check cheap. */
export const PROFILED_BYTES = 16384;

export function profileBytes(head: Uint8Array): ByteProfile {
  const length = Math.min(head.length, PROFILED_BYTES);
  let odd = 0;
  let i = 0;
  while (i < length) {
    const byte = head[i]!;
    if (byte < 0x80) {
      if (isOddAscii(byte)) odd++;
      i++;
      continue;
    }
    const width = sequenceWidth(byte);
    if (width === 0) {
      odd++;
      i++;
      continue;
    }
    // The head is a prefix: a sequence cut by its end is not an error.
    if (i + width > length) {
      if (continuationsUpTo(head, i + 1, length)) break;
      odd++;
      i++;
      continue;
    }
    if (isValidSequence(head, i, width)) {
      i += width;
    } else {
      odd++;
      i++;
    }
  }
  return { isText: length > 0 && odd <= length * MAX_ODD_SHARE, oddBytes: odd, length };
}

// Tab, LF, VT, FF, CR and ESC (colour codes) occur in real text; other C0 bytes and DEL do not.
function isOddAscii(byte: number): boolean {
  if (byte === 0x7f) return true;
  if (byte >= 0x20) return false;
  return !(
    byte === 0x09 ||
    byte === 0x0a ||
    byte === 0x0b ||
    byte === 0x0c ||
    byte === 0x0d ||
    byte === 0x1b
  );
}

function sequenceWidth(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function continuationsUpTo(bytes: Uint8Array, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (!isContinuation(bytes[j]!)) return false;
  return true;
}

function isContinuation(byte: number): boolean {
  return byte >= 0x80 && byte <= 0xbf;
}

// Rejects overlong forms, UTF-16 surrogates and code points above U+10FFFF, as decoders do.
function isValidSequence(bytes: Uint8Array, at: number, width: number): boolean {
  const lead = bytes[at]!;
  const second = bytes[at + 1]!;
  if (lead === 0xe0 && second < 0xa0) return false;
  if (lead === 0xed && second > 0x9f) return false;
  if (lead === 0xf0 && second < 0x90) return false;
  if (lead === 0xf4 && second > 0x8f) return false;
  for (let j = at + 1; j < at + width; j++) if (!isContinuation(bytes[j]!)) return false;
  return true;
}
