import type { ConntrackTcpState } from '@netmortem/domain';
import { canonicalIp } from '../shared/ip-address.js';
import {
  EVENT_DESTROY,
  EVENT_NEW,
  EVENT_UPDATE,
  type ConntrackRecord,
  type TupleDraft,
} from './conntrack-record.js';
import { ipv4End, readIpv4 } from './ipv4-intern.js';

/*
 * A hand-written scanner for the line format conntrack-tools and the kernel's
 * /proc/net/nf_conntrack share:
 *
 *   [1795304774.717730]\t [UPDATE] ipv4 2 tcp 6 432000 ESTABLISHED src=… dst=… sport=… dport=…
 *       packets=… bytes=… [UNREPLIED] src=… dst=… sport=… dport=… [ASSURED] mark=0 zone=0 use=1 id=…
 *
 * Every optional part (timestamp, event type, the `ipv4 2` prefix, timeout, state, counters,
 * flags, mark/zone/use/id, whatever a newer version adds) is recognised by its first
 * characters. This is the hot path of `conntrack -E` parsing, so it reads each character
 * about once, tells keys apart by a character or two plus the `=` at the expected place,
 * reads numbers and addresses in place and calls no regex; nothing can make it backtrack.
 * It never throws: a line it cannot read yields a message for the caller's issue.
 */

const SPACE = 0x20;
const TAB = 0x09;
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const EQUALS = 0x3d;
const DOT = 0x2e;

/** Where the last number read ended (a module slot instead of an allocated result). */
let cursor = 0;

/** Reads the line into `record` (which the caller has reset); returns a problem, if any. */
export function scanConntrackLine(line: string, record: ConntrackRecord): string | undefined {
  const fields = scanConntrackPrefix(line, record);
  return fields < 0 ? record.problem : scanConntrackFields(line, fields, record);
}

/**
 * Reads what comes before the tuples (time, event type, family, protocol, timeout, state).
 * Returns where the `key=value` fields begin, or -1 with `record.problem` set.
 */
export function scanConntrackPrefix(line: string, record: ConntrackRecord): number {
  let position = skipSpaces(line, 0);
  let code = line.charCodeAt(position);

  if (code === OPEN) {
    if (isDigit(line.charCodeAt(position + 1))) {
      const time = readTimestamp(line, position + 1);
      if (time < 0) return fail(record, 'unreadable [seconds.microseconds] timestamp');
      record.timeUs = time;
      position = skipSpaces(line, cursor);
      code = line.charCodeAt(position);
    }
    if (code === OPEN) {
      const type = readEventType(line, position + 1);
      if (type === 0) return fail(record, 'unknown [event type]');
      record.eventType = type;
      position = skipSpaces(line, cursor);
      code = line.charCodeAt(position);
    }
  }

  // `-o extended` and /proc put the layer-3 family and its number first.
  if (code === 0x69 /* i */ && line.charCodeAt(position + 1) === 0x70 /* p */) {
    const version = line.charCodeAt(position + 3);
    if (
      line.charCodeAt(position + 2) === 0x76 /* v */ &&
      (version === 0x34 || version === 0x36) &&
      isSpace(line.charCodeAt(position + 4))
    ) {
      record.family = version === 0x34 ? 'ipv4' : 'ipv6';
      position = skipSpaces(line, position + 4);
      if (readUint(line, position) < 0 || !isWordEnd(line, cursor)) {
        return fail(record, 'no layer-3 protocol number after the family');
      }
      position = skipSpaces(line, cursor);
    }
  }

  const nameEnd = wordEnd(line, position);
  if (nameEnd === position) return fail(record, 'no layer-4 protocol');
  record.protocol = protocolName(line, position, nameEnd);
  position = skipSpaces(line, nameEnd);
  const protocolNumber = readUint(line, position);
  if (protocolNumber < 0 || !isWordEnd(line, cursor))
    return fail(record, 'no layer-4 protocol number');
  record.protocolNumber = protocolNumber;
  position = skipSpaces(line, cursor);
  code = line.charCodeAt(position);

  // conntrack-tools 1.4.4 prints DESTROY events without the timeout (and without the state).
  if (isDigit(code)) {
    const timeout = readUint(line, position);
    if (!isWordEnd(line, cursor)) return fail(record, 'unreadable timeout');
    record.timeoutSec = timeout;
    position = skipSpaces(line, cursor);
    code = line.charCodeAt(position);
  }
  if (code >= 0x41 && code <= 0x5a) {
    const end = wordEnd(line, position);
    // Other protocols have states too (SCTP, DCCP); only TCP's have a place in the model.
    if (record.protocol === 'tcp') {
      const state = tcpState(line, position, end);
      if (state === undefined)
        return fail(record, `unknown TCP state "${line.slice(position, end)}"`);
      record.tcpState = state;
    }
    position = skipSpaces(line, end);
  }

  return position;
}

/** Reads the tuples, flags and `key=value` fields from `start`; returns a problem, if any. */
export function scanConntrackFields(
  line: string,
  start: number,
  record: ConntrackRecord,
): string | undefined {
  const length = line.length;
  let position = start;
  let code: number;
  let tuple: TupleDraft | undefined;
  while (position < length) {
    code = line.charCodeAt(position);
    let end = -1;
    switch (code) {
      case OPEN: {
        end = line.indexOf(']', position) + 1;
        if (end === 0) return 'unclosed [flag]';
        const flag = line.charCodeAt(position + 1);
        if (
          flag === 0x41 /* A */ &&
          end - position === 9 &&
          line.startsWith('ASSURED', position + 1)
        ) {
          record.assured = true;
        } else if (
          flag === 0x55 /* U */ &&
          end - position === 11 &&
          line.startsWith('UNREPLIED', position + 1)
        ) {
          record.unreplied = true;
        }
        break;
      }
      case 0x73 /* s */:
        if (
          line.charCodeAt(position + 3) === EQUALS &&
          line.charCodeAt(position + 1) === 0x72 /* r */
        ) {
          if (record.tuples === 2) return 'more than two tuples';
          tuple = record.tuples === 0 ? record.original : record.reply;
          record.tuples++;
          const ip = readAddress(line, position + 4);
          if (ip === undefined) return 'src is not an IP address';
          tuple.src = ip;
          end = addressEnd;
        } else if (
          line.charCodeAt(position + 5) === EQUALS &&
          line.charCodeAt(position + 1) === 0x70 /* p */
        ) {
          if (!tuple) return 'sport before src';
          tuple.srcPort = readPort(line, position + 6);
          if (tuple.srcPort < 0) return 'unreadable sport';
          end = cursor;
        }
        break;
      case 0x64 /* d */:
        if (
          line.charCodeAt(position + 3) === EQUALS &&
          line.charCodeAt(position + 1) === 0x73 /* s */
        ) {
          if (!tuple) return 'dst before src';
          const ip = readAddress(line, position + 4);
          if (ip === undefined) return 'dst is not an IP address';
          tuple.dst = ip;
          end = addressEnd;
        } else if (
          line.charCodeAt(position + 5) === EQUALS &&
          line.charCodeAt(position + 1) === 0x70 /* p */
        ) {
          if (!tuple) return 'dport before src';
          tuple.dstPort = readPort(line, position + 6);
          if (tuple.dstPort < 0) return 'unreadable dport';
          end = cursor;
        }
        break;
      case 0x74 /* t */:
        if (
          tuple &&
          line.charCodeAt(position + 4) === EQUALS &&
          line.startsWith('type', position)
        ) {
          tuple.icmpType = readValue(line, position + 5);
          end = cursor;
        }
        break;
      case 0x63 /* c */:
        if (
          tuple &&
          line.charCodeAt(position + 4) === EQUALS &&
          line.startsWith('code', position)
        ) {
          tuple.icmpCode = readValue(line, position + 5);
          end = cursor;
        }
        break;
      case 0x69 /* i */:
        if (
          line.charCodeAt(position + 2) === EQUALS &&
          line.charCodeAt(position + 1) === 0x64 /* d */
        ) {
          // Inside an ICMP tuple `id=` is the echo identifier; after the tuples, the entry's id.
          const value = readValue(line, position + 3);
          if (tuple && tuple.icmpCode >= 0 && tuple.icmpId < 0) tuple.icmpId = value;
          else record.id = value;
          end = cursor;
        }
        break;
      case 0x70 /* p */:
        if (
          tuple &&
          line.charCodeAt(position + 7) === EQUALS &&
          line.startsWith('packets', position)
        ) {
          tuple.packets = readValue(line, position + 8);
          end = cursor;
        }
        break;
      case 0x62 /* b */:
        if (
          tuple &&
          line.charCodeAt(position + 5) === EQUALS &&
          line.startsWith('bytes', position)
        ) {
          tuple.bytes = readValue(line, position + 6);
          end = cursor;
        }
        break;
      case 0x6d /* m */:
        if (line.charCodeAt(position + 4) === EQUALS && line.startsWith('mark', position)) {
          record.mark = readValue(line, position + 5);
          end = cursor;
        }
        break;
      case 0x7a /* z */:
        if (line.charCodeAt(position + 4) === EQUALS && line.startsWith('zone', position)) {
          record.zone = readValue(line, position + 5);
          end = cursor;
        }
        break;
      case 0x75 /* u */:
        if (line.charCodeAt(position + 3) === EQUALS && line.startsWith('use', position)) {
          record.use = readValue(line, position + 4);
          end = cursor;
        }
        break;
      default:
        break;
    }
    // A word this version does not know (delta-time=, secctx=, portid=, …), or a known key
    // whose value was not a clean number: skip to the next word.
    if (end < 0 || !isWordEnd(line, end)) end = wordEnd(line, position);
    position = skipSpaces(line, end);
  }
  if (record.tuples < 2) return record.tuples === 0 ? 'no tuples' : 'no reply tuple';
  if (record.original.dst === '' || record.reply.dst === '') return 'a tuple without dst';
  return undefined;
}

function fail(record: ConntrackRecord, problem: string): number {
  record.problem = problem;
  return -1;
}

/** `1795304774.717730]` → microseconds; -1 when malformed. Sets `cursor` past the `]`. */
function readTimestamp(line: string, start: number): number {
  const seconds = readUint(line, start);
  if (seconds < 0 || line.charCodeAt(cursor) !== DOT) return -1;
  let position = cursor + 1;
  let fraction = 0;
  let digits = 0;
  let code = line.charCodeAt(position);
  while (code >= 0x30 && code <= 0x39) {
    if (digits < 6) {
      fraction = fraction * 10 + (code - 0x30);
      digits++;
    }
    code = line.charCodeAt(++position);
  }
  // The format is %-.6ld: zero-filled, but a left-justified build could pad with spaces.
  while (code === SPACE) code = line.charCodeAt(++position);
  if (digits === 0 || code !== CLOSE) return -1;
  for (; digits < 6; digits++) fraction *= 10;
  cursor = position + 1;
  return seconds * 1_000_000 + fraction;
}

/** `NEW]`, `UPDATE]`, `DESTROY]` at `start`; sets `cursor` past the `]`. */
function readEventType(line: string, start: number): number {
  const first = line.charCodeAt(start);
  if (first === 0x4e /* N */ && line.startsWith('NEW]', start)) {
    cursor = start + 4;
    return EVENT_NEW;
  }
  if (first === 0x55 /* U */ && line.startsWith('UPDATE]', start)) {
    cursor = start + 7;
    return EVENT_UPDATE;
  }
  if (first === 0x44 /* D */ && line.startsWith('DESTROY]', start)) {
    cursor = start + 8;
    return EVENT_DESTROY;
  }
  return 0;
}

/** Interned names: a million entries share a handful of strings. */
function protocolName(line: string, start: number, end: number): string {
  const length = end - start;
  const first = line.charCodeAt(start);
  if (length === 3) {
    if (first === 0x74 && line.startsWith('tcp', start)) return 'tcp';
    if (first === 0x75 && line.startsWith('udp', start)) return 'udp';
    if (first === 0x67 && line.startsWith('gre', start)) return 'gre';
  } else if (length === 4) {
    if (first === 0x69 && line.startsWith('icmp', start)) return 'icmp';
    if (first === 0x73 && line.startsWith('sctp', start)) return 'sctp';
    if (first === 0x64 && line.startsWith('dccp', start)) return 'dccp';
  } else if (length === 6 && line.startsWith('icmpv6', start)) {
    return 'icmpv6';
  }
  return line.slice(start, end);
}

/** The state named at start..end, picked by length and a letter, then checked in full. */
function tcpState(line: string, start: number, end: number): ConntrackTcpState | undefined {
  const candidate = stateCandidate(end - start, line.charCodeAt(start), line.charCodeAt(start + 4));
  return candidate !== undefined && line.startsWith(candidate, start) ? candidate : undefined;
}

function stateCandidate(
  length: number,
  first: number,
  fifth: number,
): ConntrackTcpState | undefined {
  switch (length) {
    case 11:
      return 'ESTABLISHED';
    case 9:
      return first === 0x54 /* T */ ? 'TIME_WAIT' : 'SYN_SENT2';
    case 8:
      if (first === 0x46 /* F */) return 'FIN_WAIT';
      if (first === 0x4c /* L */) return 'LAST_ACK';
      return fifth === 0x53 /* S */ ? 'SYN_SENT' : 'SYN_RECV';
    case 10:
      return 'CLOSE_WAIT';
    case 5:
      return 'CLOSE';
    case 6:
      return 'LISTEN';
    case 4:
      return 'NONE';
    default:
      return undefined;
  }
}

// Other addresses (IPv6, /proc's full-length IPv6) are rarer: a plain cache, by text.
const addressCache = new Map<string, string>();
const ADDRESS_CACHE_LIMIT = 4096;
let addressEnd = 0;

function readAddress(line: string, start: number): string | undefined {
  const ipv4 = readIpv4(line, start);
  if (ipv4 !== undefined) {
    addressEnd = ipv4End();
    return ipv4;
  }
  const end = wordEnd(line, start);
  addressEnd = end;
  const text = line.slice(start, end);
  const cached = addressCache.get(text);
  if (cached !== undefined) return cached;
  const ip = text.includes(':') ? canonicalIp(text) : undefined;
  if (ip === undefined) return undefined;
  if (addressCache.size >= ADDRESS_CACHE_LIMIT) addressCache.clear();
  // Copies: slices would keep their whole line alive for as long as the entry lives.
  const key = copyOf(text);
  addressCache.set(key, ip === text ? key : ip);
  return addressCache.get(key);
}

function copyOf(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

function readPort(line: string, start: number): number {
  const value = readValue(line, start);
  return value > 65535 ? -1 : value;
}

/** A decimal number that must end the word; -1 otherwise (cursor then marks the stop). */
function readValue(line: string, start: number): number {
  const value = readUint(line, start);
  return isWordEnd(line, cursor) ? value : -1;
}

/** Decimal digits at `start` (at most 20); -1 when there are none. Sets `cursor` past them. */
function readUint(line: string, start: number): number {
  let position = start;
  let value = 0;
  let code = line.charCodeAt(position);
  // charCodeAt past the end is NaN, which fails both comparisons.
  while (code >= 0x30 && code <= 0x39 && position - start < 20) {
    value = value * 10 + (code - 0x30);
    code = line.charCodeAt(++position);
  }
  cursor = position;
  return position === start ? -1 : value;
}

function skipSpaces(line: string, start: number): number {
  let position = start;
  let code = line.charCodeAt(position);
  while (code === SPACE || code === TAB) code = line.charCodeAt(++position);
  return position;
}

/**
 * The end of the word at `start`. conntrack separates words with spaces (a tab only follows
 * the timestamp, which skipSpaces passes); a stray tab inside a word makes it unreadable.
 */
function wordEnd(line: string, start: number): number {
  const space = line.indexOf(' ', start);
  return space === -1 ? line.length : space;
}

function isWordEnd(line: string, position: number): boolean {
  if (position >= line.length) return true;
  const code = line.charCodeAt(position);
  return code === SPACE || code === TAB;
}

function isSpace(code: number): boolean {
  return code === SPACE || code === TAB;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
