import type { SocketTimer } from '@netmortem/domain';

/**
 * `timer:(keepalive,7min14sec,0)` from `ss -o`. ss shortens the time as it grows: `500ms`,
 * `1.012ms` (1 s and 12 ms: the seconds run into the milliseconds), `25sec`, `7min14sec`,
 * `119min`, with a leading `-` once a timer is overdue.
 */
export function parseSsTimer(value: string): SocketTimer | undefined {
  const body = value.startsWith('(') && value.endsWith(')') ? value.slice(1, -1) : value;
  const [name, time, retransmits] = body.split(',');
  if (!name || !/^[a-z_-]+$/i.test(name)) return undefined;
  const expiresMs = time === undefined ? undefined : parseSsDuration(time);
  if (time !== undefined && expiresMs === undefined) return undefined;
  const retries =
    retransmits !== undefined && /^\d+$/.test(retransmits) ? Number(retransmits) : undefined;
  return {
    name,
    ...(expiresMs === undefined ? {} : { expiresMs }),
    ...(retries === undefined ? {} : { retransmits: retries }),
  };
}

/** Milliseconds from ss's compact duration, or undefined when it is not one. */
export function parseSsDuration(text: string): number | undefined {
  let position = 0;
  let sign = 1;
  if (text.startsWith('-')) {
    sign = -1;
    position = 1;
  }
  let total = 0;
  let parts = 0;
  // After `1.` only the milliseconds may follow (`1.012ms`).
  let afterDot = false;
  while (position < text.length) {
    const start = position;
    while (position < text.length && isDigit(text.charCodeAt(position))) position++;
    if (position === start) return undefined;
    const value = Number(text.slice(start, position));
    const rest = text.slice(position);
    if (rest.startsWith('ms')) {
      total += value;
      position += 2;
      afterDot = false;
    } else if (afterDot) {
      return undefined;
    } else if (rest.startsWith('min')) {
      total += value * 60_000;
      position += 3;
    } else if (rest.startsWith('sec')) {
      total += value * 1000;
      position += 3;
    } else if (rest.startsWith('.')) {
      total += value * 1000;
      position += 1;
      afterDot = true;
    } else {
      return undefined;
    }
    parts++;
  }
  if (afterDot) return undefined;
  return parts === 0 ? undefined : sign * total;
}

/**
 * `keepalive (7175.12/0/0)` from `netstat -o`: seconds left, retransmissions, keepalive probes.
 * netstat's zero-window `probe` is the timer ss calls `persist`.
 */
export function parseNetstatTimer(text: string): SocketTimer | undefined {
  const match = /^([a-z][a-z0-9_-]*) \((-?\d+(?:\.\d+)?)\/(\d+)\/(\d+)\)$/i.exec(text);
  if (!match) return undefined;
  const name = match[1] === 'probe' ? 'persist' : match[1]!;
  const retransmits = Number(match[3]);
  if (name === 'off') return { name, retransmits };
  return { name, expiresMs: Math.round(Number(match[2]) * 1000), retransmits };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
