import { TCP_CONNTRACK_STATES, type TcpConntrackState } from '@netmortem/simulator';

/** One line of `conntrack -E -o timestamp,id` for a TCP entry. */
export interface ConntrackEventLine {
  readonly timeUs?: number;
  readonly type: 'NEW' | 'UPDATE' | 'DESTROY';
  /** Present only when the event carries the TCP state (it changed, or the entry is new). */
  readonly state?: TcpConntrackState;
  /** Seconds left on the entry's timer when the event was sent (absent on DESTROY). */
  readonly timeoutSec?: number;
  readonly mark: number;
  readonly id?: number;
  readonly original: { src: string; dst: string; sport: number; dport: number };
  readonly reply?: { src: string; dst: string; sport: number; dport: number };
  readonly flags: readonly string[];
}

const STATES = new Set<string>(TCP_CONNTRACK_STATES);

/** Parses the TCP events of a `conntrack -E` output; other lines are skipped. */
export function parseConntrackEvents(text: string): ConntrackEventLine[] {
  const out: ConntrackEventLine[] = [];
  for (const line of text.split('\n')) {
    const event = parseLine(line);
    if (event !== undefined) out.push(event);
  }
  return out;
}

function parseLine(line: string): ConntrackEventLine | undefined {
  const type = /\[(NEW|UPDATE|DESTROY)\]/.exec(line)?.[1] as ConntrackEventLine['type'] | undefined;
  if (type === undefined || !/\btcp\s+6\b/.test(line)) return undefined;
  const time = /^\s*\[(\d+)\.(\d+)\]/.exec(line);
  const head = line.slice(0, line.indexOf('src=') < 0 ? line.length : line.indexOf('src='));
  const state = head.split(/\s+/).find((token) => STATES.has(token)) as
    TcpConntrackState | undefined;
  const timeout = /\btcp\s+6\s+(\d+)\b/.exec(head)?.[1];
  const tuples: { src: string; dst: string; sport: number; dport: number }[] = [];
  const tupleRe = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/g;
  for (let m = tupleRe.exec(line); m !== null; m = tupleRe.exec(line))
    tuples.push({
      src: m[1] as string,
      dst: m[2] as string,
      sport: Number(m[3]),
      dport: Number(m[4]),
    });
  const original = tuples[0];
  if (original === undefined) return undefined;
  const id = /\bid=(\d+)/.exec(line)?.[1];
  const flags = [...line.matchAll(/\[(UNREPLIED|ASSURED|OFFLOAD|HW_OFFLOAD)\]/g)].map(
    (m) => m[1] as string,
  );
  return {
    ...(time === null
      ? {}
      : { timeUs: Number(time[1]) * 1e6 + Number((time[2] as string).padEnd(6, '0').slice(0, 6)) }),
    type,
    ...(state === undefined ? {} : { state }),
    ...(timeout === undefined ? {} : { timeoutSec: Number(timeout) }),
    mark: Number(/\bmark=(\d+)/.exec(line)?.[1] ?? 0),
    ...(id === undefined ? {} : { id: Number(id) }),
    original,
    ...(tuples[1] === undefined ? {} : { reply: tuples[1] }),
    flags,
  };
}
