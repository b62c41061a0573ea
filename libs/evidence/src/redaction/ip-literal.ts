/**
 * IP literals inside text (latin1 strings, one char per byte): scanned in place, without
 * regular expressions, bounded work per start position (an address is at most 45 chars),
 * and printed back in the style they came in (case, `::` or all eight groups zero-padded as
 * /proc/net/nf_conntrack prints them, a dotted IPv4 tail).
 */

export interface Ipv4Literal {
  readonly end: number;
  readonly value: number;
}

export interface Ipv6Literal {
  readonly end: number;
  readonly bytes: Uint8Array;
  readonly upper: boolean;
  /** Eight zero-padded groups, no `::`. */
  readonly expanded: boolean;
  readonly v4Tail: boolean;
  /** Where the last group starts, whether it is all decimal digits, and how many groups follow the `::` (-1: none). */
  readonly lastGroupStart: number;
  readonly lastGroupDecimal: boolean;
  readonly groupsAfterGap: number;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Letters, digits and `_`. */
export function isWordChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f
  );
}

function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}

/** A dotted quad at `i`, not followed by more digits or a fifth `.n`. */
export function scanIpv4(s: string, i: number, limit: number): Ipv4Literal | undefined {
  let value = 0;
  let p = i;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (p >= limit || s.charCodeAt(p) !== 0x2e) return undefined;
      p += 1;
    }
    let digits = 0;
    let part = 0;
    while (p < limit && digits < 4 && isDigit(s.charCodeAt(p))) {
      part = part * 10 + s.charCodeAt(p) - 0x30;
      digits += 1;
      p += 1;
    }
    if (digits === 0 || digits > 3 || part > 255) return undefined;
    value = value * 256 + part;
  }
  if (p < limit) {
    const c = s.charCodeAt(p);
    if (isWordChar(c)) return undefined;
    if (c === 0x2e && p + 1 < limit && isDigit(s.charCodeAt(p + 1))) return undefined;
  }
  return { end: p, value };
}

/**
 * The longest IPv6 literal at `i` (groups, at most one `::`, maybe a dotted IPv4 tail).
 * Stops before a `:` that does not lead to another group, so `fd77::1:35654` yields
 * `fd77::1` and leaves `:35654` (a port) to the caller.
 */
export function scanIpv6(s: string, i: number, limit: number): Ipv6Literal | undefined {
  const words: number[] = [];
  let gap = -1;
  let p = i;
  let end = i;
  let upper = false;
  let padded = true;
  let v4Tail = false;
  let lastGroupStart = -1;
  let lastGroupDecimal = false;
  if (p + 1 < limit && s.charCodeAt(p) === 0x3a) {
    if (s.charCodeAt(p + 1) !== 0x3a) return undefined;
    gap = 0;
    p += 2;
    end = p;
  }
  while (words.length < 8 && p < limit) {
    const start = p;
    let value = 0;
    let decimal = true;
    while (p < limit && p - start < 5 && isHex(s.charCodeAt(p))) {
      const c = s.charCodeAt(p);
      if (c >= 0x41 && c <= 0x46) upper = true;
      if (!isDigit(c)) decimal = false;
      value = value * 16 + hexValue(c);
      p += 1;
    }
    const digits = p - start;
    if (digits === 0 || digits > 4) break;
    if (p < limit && s.charCodeAt(p) === 0x2e) {
      // A dotted IPv4 tail takes the last two groups; otherwise the dot ends the address
      // (`fd70:2::2.` at the end of a sentence).
      const v4 = words.length <= (gap === -1 ? 6 : 5) ? scanIpv4(s, start, limit) : undefined;
      if (v4 !== undefined) {
        words.push(v4.value >>> 16, v4.value & 0xffff);
        v4Tail = true;
        lastGroupStart = start;
        lastGroupDecimal = false;
        end = v4.end;
        break;
      }
    }
    if (digits !== 4) padded = false;
    words.push(value);
    lastGroupStart = start;
    lastGroupDecimal = decimal;
    end = p;
    if (p + 1 < limit && s.charCodeAt(p) === 0x3a) {
      if (s.charCodeAt(p + 1) === 0x3a) {
        if (gap !== -1) break;
        gap = words.length;
        p += 2;
        end = p;
        continue;
      }
      if (isHex(s.charCodeAt(p + 1))) {
        p += 1;
        continue;
      }
    }
    break;
  }
  if (gap === -1 ? words.length !== 8 : words.length > 7) return undefined;
  if (end < limit && isWordChar(s.charCodeAt(end))) return undefined;
  const bytes = new Uint8Array(16);
  const tail = gap === -1 ? [] : words.slice(gap);
  const head = gap === -1 ? words : words.slice(0, gap);
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  all.forEach((word, k) => {
    bytes[2 * k] = word >> 8;
    bytes[2 * k + 1] = word & 255;
  });
  return {
    end,
    bytes,
    upper,
    expanded: gap === -1 && padded && !v4Tail,
    v4Tail,
    lastGroupStart,
    lastGroupDecimal,
    groupsAfterGap: gap === -1 ? -1 : words.length - gap,
  };
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** IPv6 in the style of `like`: RFC 5952 (`::`, no leading zeros), or all groups padded. */
export function formatIpv6(
  bytes: Uint8Array,
  like: Pick<Ipv6Literal, 'upper' | 'expanded' | 'v4Tail'>,
): string {
  const groups: number[] = [];
  for (let k = 0; k < 16; k += 2) groups.push((bytes[k]! << 8) | bytes[k + 1]!);
  let text: string;
  if (like.expanded) {
    text = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
  } else {
    const count = like.v4Tail ? 6 : 8;
    let bestStart = -1;
    let bestLength = 1;
    for (let k = 0; k < count;) {
      if (groups[k] !== 0) {
        k += 1;
        continue;
      }
      let j = k;
      while (j < count && groups[j] === 0) j += 1;
      if (j - k > bestLength) {
        bestStart = k;
        bestLength = j - k;
      }
      k = j;
    }
    const hex = (from: number, to: number) =>
      groups
        .slice(from, to)
        .map((g) => g.toString(16))
        .join(':');
    text =
      bestStart === -1
        ? hex(0, count)
        : `${hex(0, bestStart)}::${hex(bestStart + bestLength, count)}`;
    if (like.v4Tail) {
      const v4 = formatIpv4(((groups[6]! << 16) | groups[7]!) >>> 0);
      text = text.endsWith(':') ? `${text}${v4}` : `${text}:${v4}`;
    }
  }
  return like.upper ? text.toUpperCase() : text;
}
