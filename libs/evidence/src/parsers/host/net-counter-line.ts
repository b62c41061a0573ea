import { icmpHistogramName, normalisedCounterName, proseCounterName } from './netstat-s-names.js';

/**
 * The line shapes of the protocol-counter formats:
 *  - nstat and /proc/net/snmp6: `TcpExtTCPAbortOnData   12   0.0` / `Ip6InReceives  14`
 *  - /proc/net/snmp, /proc/net/netstat: `Tcp: RtoAlgorithm RtoMin …` then `Tcp: 1 200 …`
 *  - netstat -s: `Tcp:` then indented prose (`    12 active connection openings`),
 *    `    TCPRcvCoalesce: 18` and ICMP histograms.
 */
export type CounterLine =
  | { readonly kind: 'skip' }
  | { readonly kind: 'counter'; readonly name: string; readonly value: number }
  | { readonly kind: 'section'; readonly name: string }
  | { readonly kind: 'table-header'; readonly prefix: string; readonly names: readonly string[] }
  | { readonly kind: 'table-values'; readonly prefix: string; readonly values: readonly number[] }
  | { readonly kind: 'histogram'; readonly direction: 'In' | 'Out' | undefined }
  | { readonly kind: 'body'; readonly text: string }
  | { readonly kind: 'unreadable'; readonly reason: string };

const NAME_VALUE = /^([A-Za-z][A-Za-z0-9_]*)\s+(-?\d{1,20})(?:\s+-?\d+(?:\.\d+)?)?$/;
const INTEGER = /^-?\d{1,20}$/;
const WORD = /^[A-Za-z][A-Za-z0-9_]*$/;

export function readCounterLine(text: string): CounterLine {
  const line = text.trimEnd();
  if (line.trim() === '' || line.startsWith('#') || line.startsWith('nstat:'))
    return { kind: 'skip' };
  if (/^\s/.test(line)) return { kind: 'body', text: line.trim() };
  const colon = line.indexOf(':');
  if (colon > 0 && WORD.test(line.slice(0, colon))) {
    const prefix = line.slice(0, colon);
    const rest = line.slice(colon + 1).trim();
    if (rest === '') return { kind: 'section', name: prefix };
    const words = rest.split(/\s+/);
    if (words.every((word) => INTEGER.test(word))) {
      return { kind: 'table-values', prefix, values: words.map(Number) };
    }
    if (words.every((word) => WORD.test(word)))
      return { kind: 'table-header', prefix, names: words };
    return { kind: 'unreadable', reason: `"${prefix}:" followed by neither names nor numbers` };
  }
  const pair = NAME_VALUE.exec(line);
  if (pair) return { kind: 'counter', name: pair[1]!, value: Number(pair[2]) };
  return { kind: 'unreadable', reason: 'not a counter line' };
}

/**
 * An indented netstat -s line under `section`. Returns the counter it gives, a histogram
 * sub-heading, or undefined for a line that carries no number (a heading of its own).
 */
export function readNetstatBody(
  section: string,
  histogram: 'In' | 'Out' | undefined,
  text: string,
): CounterLine {
  if (/^ICMP (input|output) histogram:$/.test(text)) {
    return { kind: 'histogram', direction: text.startsWith('ICMP input') ? 'In' : 'Out' };
  }
  const named = /^(.+?):\s+(-?\d{1,20})$/.exec(text);
  if (named) {
    const label = named[1]!;
    const value = Number(named[2]);
    if (WORD.test(label)) return { kind: 'counter', name: section + label, value };
    const name =
      (histogram && section === 'Icmp' ? icmpHistogramName(histogram, label) : undefined) ??
      normalisedCounterName(histogram ? `${section}.${histogram}` : section, label);
    return { kind: 'counter', name, value };
  }
  const words = text.split(/\s+/);
  const at = words.findIndex((word) => INTEGER.test(word));
  if (at === -1)
    return text.endsWith(':')
      ? { kind: 'skip' }
      : { kind: 'unreadable', reason: 'no number in a netstat -s line' };
  const value = Number(words[at]);
  words[at] = '#';
  const sentence = words.join(' ');
  return {
    kind: 'counter',
    name: proseCounterName(section, sentence) ?? normalisedCounterName(section, sentence),
    value,
  };
}
