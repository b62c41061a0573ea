import {
  formatIpv4,
  formatIpv6,
  isDigit,
  isHex,
  isWordChar,
  scanIpv4,
  scanIpv6,
  type Ipv6Literal,
} from './ip-literal.js';
import { isPortGap, PORT_KEYWORDS } from './port-keywords.js';
import type { Pseudonymiser } from './pseudonymiser.js';

export interface LineRedactionOptions {
  /**
   * An unbracketed IPv6 address may end in `:port` (`fd77::1:8080` in netstat, ss 4.x and
   * Node's error messages), so a final all-decimal group after `::` is read as the port, as
   * those formats' parsers read it.
   */
  readonly trailingPortAfterIpv6: boolean;
}

const NONE = 0;
const NEXT = 1;
const SET = 2;
const MAX_KEYWORD = 24;
const DASHED_IPV4 = /^(ip-)?(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$/i;

/**
 * One pass over one line (a latin1 string: one char per byte, so any bytes survive): IPv4
 * and IPv6 literals (with CIDR prefixes, zones, brackets, `:port`), MAC addresses, ports
 * where the format makes them unambiguous, and known names are replaced; every other char
 * is copied as it is. Work is linear in the line: each position starts at most one bounded
 * literal scan, and whole words are skipped at once.
 */
export class TextLineRedactor {
  private line = '';
  private out = '';
  private copied = 0;
  private expect = NONE;
  private lastWasPort = false;
  /** A port list goes on after this comma (`--dports 80,443`). */
  private listGoesOn = false;
  private previousWord = '';

  constructor(
    private readonly p: Pseudonymiser,
    private readonly options: LineRedactionOptions,
  ) {}

  redact(line: string): string {
    this.line = line;
    this.out = '';
    this.copied = 0;
    this.expect = NONE;
    this.lastWasPort = false;
    this.listGoesOn = false;
    this.previousWord = '';
    const n = line.length;
    let i = 0;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (isWordChar(c)) {
        i = this.atWord(i);
        continue;
      }
      if (c === 0x3a && i + 1 < n && line.charCodeAt(i + 1) === 0x3a) {
        const prev = i > 0 ? line.charCodeAt(i - 1) : 0x20;
        if (!isWordChar(prev) && prev !== 0x3a && prev !== 0x2e) {
          const literal = scanIpv6(line, i, n);
          if (literal !== undefined) {
            i = this.emitV6(i, literal, prev);
            continue;
          }
        }
      }
      if (this.expect !== NONE) this.punctuation(c);
      i += 1;
    }
    if (this.copied === 0) return line;
    return this.out + line.slice(this.copied);
  }

  private replace(from: number, to: number, text: string): void {
    this.out += this.line.slice(this.copied, from) + text;
    this.copied = to;
  }

  private atWord(i: number): number {
    const line = this.line;
    const c = line.charCodeAt(i);
    const prev = i > 0 ? line.charCodeAt(i - 1) : 0x20;
    if (isHex(c) && prev !== 0x2e) {
      const end = this.tryLiteral(i, prev);
      if (end > 0) return end;
    }
    const end = wordEnd(line, i);
    return this.word(i, end);
  }

  /** A MAC, IPv4 or IPv6 literal at `i`: its end once replaced, or -1. */
  private tryLiteral(i: number, prev: number): number {
    const line = this.line;
    const n = line.length;
    let k = i;
    while (k < n && k - i < 5 && isHex(line.charCodeAt(k))) k += 1;
    const run = k - i;
    const next = k < n ? line.charCodeAt(k) : 0;
    if (run === 2 && next === 0x3a) {
      const end = this.tryMac(i);
      if (end > 0) return end;
    }
    if (next === 0x2e && run <= 3 && isDigit(line.charCodeAt(i))) {
      const v4 = scanIpv4(line, i, n);
      if (v4 !== undefined) return this.emitV4(i, v4.value, v4.end);
    }
    if (next === 0x3a && run <= 4 && prev !== 0x3a) {
      const v6 = scanIpv6(line, i, n);
      if (v6 !== undefined) return this.emitV6(i, v6, prev);
    }
    return -1;
  }

  private emitV4(i: number, value: number, end: number): number {
    this.expect = NONE;
    const mapped = this.p.mapV4(value);
    const prefix = this.prefixLength(end, 32);
    if (prefix < 0) {
      this.replace(i, end, formatIpv4(mapped));
    } else {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      this.replace(i, end, formatIpv4((mapped & mask) >>> 0));
    }
    return this.portAfter(end);
  }

  private emitV6(i: number, literal: Ipv6Literal, prev: number): number {
    this.expect = NONE;
    const line = this.line;
    let lit = literal;
    if (
      this.options.trailingPortAfterIpv6 &&
      prev !== 0x5b &&
      lit.groupsAfterGap >= 2 &&
      lit.lastGroupDecimal &&
      !lit.v4Tail
    ) {
      const shorter = scanIpv6(line, i, lit.lastGroupStart - 1);
      if (shorter !== undefined && shorter.end === lit.lastGroupStart - 1) lit = shorter;
    }
    const mapped = this.p.mapV6(lit.bytes);
    const prefix = this.prefixLength(lit.end, 128);
    if (prefix < 0) {
      this.replace(i, lit.end, formatIpv6(mapped, lit));
    } else {
      const masked = Uint8Array.from(mapped);
      for (let bit = prefix; bit < 128; bit++)
        masked[bit >> 3] = masked[bit >> 3]! & ~(0x80 >> (bit & 7));
      this.replace(i, lit.end, formatIpv6(masked, lit));
    }
    let end = lit.end;
    const n = line.length;
    if (end < n && line.charCodeAt(end) === 0x25) {
      // A zone names the interface (`%eth0`): it stays.
      end += 1;
      while (
        end < n &&
        (isWordChar(line.charCodeAt(end)) ||
          line.charCodeAt(end) === 0x2e ||
          line.charCodeAt(end) === 0x2d)
      )
        end += 1;
    }
    if (end < n && line.charCodeAt(end) === 0x5d) end += 1;
    return this.portAfter(end);
  }

  /** `/n` after an address: n, or -1 when there is none. */
  private prefixLength(end: number, max: number): number {
    const line = this.line;
    if (end + 1 >= line.length || line.charCodeAt(end) !== 0x2f) return -1;
    let k = end + 1;
    let value = 0;
    while (k < line.length && k - end <= 3 && isDigit(line.charCodeAt(k))) {
      value = value * 10 + line.charCodeAt(k) - 0x30;
      k += 1;
    }
    if (k === end + 1 || k - end > 4 || value > max) return -1;
    if (k < line.length && (isWordChar(line.charCodeAt(k)) || line.charCodeAt(k) === 0x2e))
      return -1;
    return value;
  }

  /** `:port` (or `:low-high`, kept) right after an address; returns where scanning goes on. */
  private portAfter(end: number): number {
    const line = this.line;
    const n = line.length;
    if (end + 1 >= n || line.charCodeAt(end) !== 0x3a || !isDigit(line.charCodeAt(end + 1)))
      return end;
    const from = end + 1;
    const to = digitsEnd(line, from);
    if (to < n && (isWordChar(line.charCodeAt(to)) || line.charCodeAt(to) === 0x2e)) return to;
    if (to + 1 < n && line.charCodeAt(to) === 0x2d && isDigit(line.charCodeAt(to + 1)))
      return digitsEnd(line, to + 1); // a range: a permutation cannot keep it a range
    this.port(from, to);
    return to;
  }

  /** Replaces the port `line[from, to)` when it is one; true if it was. */
  private port(from: number, to: number): boolean {
    if (to - from > 5) return false;
    const value = Number(this.line.slice(from, to));
    if (value > 65535) return false;
    const mapped = this.p.mapPort(value);
    if (mapped !== value) this.replace(from, to, String(mapped));
    this.lastWasPort = true;
    return true;
  }

  /** Six or fourteen (netfilter's `MAC=`: both addresses and the type) hex pairs. */
  private tryMac(i: number): number {
    const line = this.line;
    const n = line.length;
    let k = i;
    let pairs = 0;
    for (;;) {
      if (k + 1 >= n || !isHex(line.charCodeAt(k)) || !isHex(line.charCodeAt(k + 1))) return -1;
      pairs += 1;
      k += 2;
      if (k + 2 < n && line.charCodeAt(k) === 0x3a && isHex(line.charCodeAt(k + 1))) k += 1;
      else break;
    }
    if (k < n && (isWordChar(line.charCodeAt(k)) || line.charCodeAt(k) === 0x3a)) return -1;
    if (pairs !== 6 && pairs !== 14) return -1;
    const text = line.slice(i, k);
    const bytes = Uint8Array.from(text.split(':'), (pair) => parseInt(pair, 16));
    this.p.rewriteMac(bytes, 0);
    if (pairs === 14) this.p.rewriteMac(bytes, 6);
    const upper = /[A-F]/.test(text);
    const rewritten = Array.from(bytes, (byte) => {
      const hex = byte.toString(16).padStart(2, '0');
      return upper ? hex.toUpperCase() : hex;
    }).join(':');
    this.replace(i, k, rewritten);
    return k;
  }

  private word(i: number, end: number): number {
    const line = this.line;
    let allDigits = true;
    for (let k = i; k < end; k++) {
      if (!isDigit(line.charCodeAt(k))) {
        allDigits = false;
        break;
      }
    }
    if (allDigits) return this.number(i, end);
    this.lastWasPort = false;
    this.expect = NONE;
    const lower = end - i <= MAX_KEYWORD ? line.slice(i, end).toLowerCase() : '';
    const next = end < line.length ? line.charCodeAt(end) : 0;
    if (PORT_KEYWORDS.has(lower)) {
      this.expect = NEXT;
    } else if ((lower === 'outbound' || lower === 'inbound') && next === 0x7c) {
      this.expect = NEXT; // Envoy cluster: outbound|8080||host
    } else if ((lower === 'outbound_' || lower === 'inbound_') && next === 0x2e) {
      const to = digitsEnd(line, end + 1); // Istio's outbound_.8080_._.host
      if (to > end + 1 && line.charCodeAt(to) === 0x5f) this.port(end + 1, to);
      this.lastWasPort = false;
    } else if (lower === 'to' && next === 0x20 && line.charCodeAt(end + 1) === 0x3a) {
      this.expect = NEXT; // nft: redirect to :8080
    } else if (lower === 'for' && this.previousWord === 'connection') {
      this.expect = NEXT; // kubectl: Handling connection for 5432
    } else {
      this.names(i, end);
    }
    this.previousWord = lower;
    return end;
  }

  private names(i: number, end: number): void {
    const word = this.line.slice(i, end);
    const replaced = this.p.names.replaceWord(word);
    if (replaced !== undefined) {
      this.replace(i, end, replaced);
      return;
    }
    if (word.includes('-')) {
      const dashed = DASHED_IPV4.exec(word);
      if (dashed === null) return;
      const octets = dashed.slice(2).map(Number);
      if (octets.some((octet) => octet > 255)) return;
      const mapped = this.p.mapV4(
        ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0,
      );
      this.replace(i, end, `${dashed[1] ?? ''}${formatIpv4(mapped).replaceAll('.', '-')}`);
    }
  }

  private number(i: number, end: number): number {
    const line = this.line;
    this.previousWord = '';
    if (this.expect !== NONE) {
      const next = end < line.length ? line.charCodeAt(end) : 0;
      if ((next === 0x2d || next === 0x3a) && isDigit(line.charCodeAt(end + 1))) {
        // low-high or low:high: a range stays as it is.
        const to = digitsEnd(line, end + 1);
        if (this.expect === NEXT && line.charCodeAt(to) !== 0x2c) this.expect = NONE;
        return to;
      }
      const wasPort = this.port(i, end);
      this.listGoesOn = wasPort && next === 0x2c && isDigit(line.charCodeAt(end + 1));
      if (this.expect === NEXT && !this.listGoesOn) this.expect = NONE;
      return end;
    }
    if (this.lastWasPort && arrowBefore(line, i)) {
      this.port(i, end);
      return end;
    }
    this.lastWasPort = false;
    return end;
  }

  private punctuation(c: number): void {
    if (this.expect === NEXT) {
      if (c === 0x7b) this.expect = SET;
      else if (c === 0x2c && this.listGoesOn) this.listGoesOn = false;
      else if (!isPortGap(c)) this.expect = NONE;
    } else if (this.expect === SET && c === 0x7d) {
      this.expect = NONE;
    }
  }
}

/** A word: runs of letters, digits and `_`, joined by single hyphens. */
function wordEnd(line: string, i: number): number {
  const n = line.length;
  let k = i;
  for (;;) {
    while (k < n && isWordChar(line.charCodeAt(k))) k += 1;
    if (k + 1 < n && line.charCodeAt(k) === 0x2d && isWordChar(line.charCodeAt(k + 1))) {
      k += 1;
      continue;
    }
    return k;
  }
}

function digitsEnd(line: string, i: number): number {
  let k = i;
  while (k < line.length && isDigit(line.charCodeAt(k))) k += 1;
  return k;
}

/** Whether `->` (maybe spaced) comes right before `i`: `forwarding 5432 -> 5432`. */
function arrowBefore(line: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && line.charCodeAt(k) === 0x20) k -= 1;
  return k >= 1 && line.charCodeAt(k) === 0x3e && line.charCodeAt(k - 1) === 0x2d;
}
