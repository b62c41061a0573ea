import { formatEndpoint, type Endpoint, type Flow, type FlowCorrelation } from '@netmortem/domain';
import { formatDuration, formatFlags } from './notes.js';
import type { FlowTrace, PacketDigest } from './packet-trace.js';

/** A flow, optionally with the packet digests FlowAnalyzer keeps when `tracePackets` > 0. */
export type CorrelationInput = Flow | { readonly flow: Flow; readonly trace?: FlowTrace };

export interface CorrelationOptions {
  /** How far apart the two captures' clocks (and first packets) may be. Default 5 s. */
  readonly maxClockSkewUs?: number;
  /** Untranslated packets listed per correlation. Default 32. */
  readonly maxUntranslatedPackets?: number;
}

interface Entry {
  readonly flow: Flow;
  readonly trace: FlowTrace | undefined;
  readonly packets: readonly PacketDigest[];
}

/**
 * Finds the same TCP connections in two captures taken on either side of a NAT (pod side
 * and node side, client and server host). NAT rewrites addresses and ports but keeps the
 * sequence numbers, so connections are paired by their initial sequence numbers (both
 * directions when both SYNs were captured) and the nearest start time; connections picked
 * up mid-stream are paired by identical segments (sequence number and length) when traces
 * are given. For each pair it reports the translation of client and server endpoints and,
 * from capture B, the packets of the connection that travelled with the untranslated
 * tuple: e.g. a conntrack-INVALID segment that skipped DNAT and reached the real port, and
 * what answered it.
 */
export function correlateFlows(
  flowsA: readonly CorrelationInput[],
  flowsB: readonly CorrelationInput[],
  options: CorrelationOptions = {},
): FlowCorrelation[] {
  const skew = options.maxClockSkewUs ?? 5_000_000;
  const limit = options.maxUntranslatedPackets ?? 32;
  const a = flowsA.map(normalise).filter((e) => e.flow.protocol === 'tcp');
  const b = flowsB.map(normalise).filter((e) => e.flow.protocol === 'tcp');
  const byIsn = new Map<number, Entry[]>();
  const bySegment = new Map<string, Entry[]>();
  for (const entry of b) {
    const isn = entry.flow.toServer.initialSeq;
    if (isn !== undefined) push(byIsn, isn, entry);
    for (const p of entry.packets) if (p.length > 0) push(bySegment, segmentKey(p), entry);
  }
  const taken = new Set<Entry>();
  const pairs: { a: Entry; b: Entry; matchedBy: string }[] = [];
  for (const entry of a) {
    const match =
      matchByIsn(entry, byIsn, taken, skew) ?? matchBySegments(entry, bySegment, taken, skew);
    if (match === undefined) continue;
    taken.add(match.b);
    pairs.push({ a: entry, b: match.b, matchedBy: match.matchedBy });
  }
  return pairs.map((pair) => ({
    flowA: pair.a.flow.id,
    flowB: pair.b.flow.id,
    matchedBy: pair.matchedBy,
    translation: translation(pair.a.flow, pair.b.flow),
    untranslatedPackets: untranslated(pair.a, pair.b, b, skew, limit),
  }));
}

function normalise(input: CorrelationInput): Entry {
  const flow = 'flow' in input ? input.flow : input;
  const trace = 'flow' in input ? input.trace : undefined;
  return { flow, trace, packets: trace === undefined ? [] : [...trace.first, ...trace.last] };
}

function matchByIsn(
  entry: Entry,
  byIsn: Map<number, Entry[]>,
  taken: Set<Entry>,
  skew: number,
): { b: Entry; matchedBy: string } | undefined {
  const flow = entry.flow;
  const isn = flow.toServer.initialSeq;
  if (isn === undefined) return undefined;
  let best: Entry | undefined;
  let bestDelta = Infinity;
  for (const candidate of byIsn.get(isn) ?? []) {
    if (taken.has(candidate)) continue;
    const serverA = flow.toClient.initialSeq;
    const serverB = candidate.flow.toClient.initialSeq;
    if (serverA !== undefined && serverB !== undefined && serverA !== serverB) continue;
    const delta = Math.abs(candidate.flow.firstUs - flow.firstUs);
    if (delta <= skew && delta < bestDelta) {
      best = candidate;
      bestDelta = delta;
    }
  }
  if (best === undefined) return undefined;
  const serverIsn = flow.toClient.initialSeq;
  const bothServer = serverIsn !== undefined && best.flow.toClient.initialSeq === serverIsn;
  return {
    b: best,
    matchedBy:
      `client ISN ${isn}` +
      (bothServer ? ` and server ISN ${serverIsn}` : '') +
      `; first packets ${formatDuration(bestDelta)} apart`,
  };
}

function matchBySegments(
  entry: Entry,
  bySegment: Map<string, Entry[]>,
  taken: Set<Entry>,
  skew: number,
): { b: Entry; matchedBy: string } | undefined {
  const hits = new Map<Entry, number>();
  for (const p of entry.packets) {
    if (p.length === 0) continue;
    for (const candidate of bySegment.get(segmentKey(p)) ?? []) {
      if (taken.has(candidate)) continue;
      if (
        Math.abs(candidate.flow.firstUs - entry.flow.firstUs) >
        skew + entry.flow.lastUs - entry.flow.firstUs
      )
        continue;
      hits.set(candidate, (hits.get(candidate) ?? 0) + 1);
    }
  }
  let best: Entry | undefined;
  let most = 0;
  for (const [candidate, count] of hits) {
    if (count > most) {
      best = candidate;
      most = count;
    }
  }
  if (best === undefined) return undefined;
  return {
    b: best,
    matchedBy: `${most} mid-stream segment(s) with the same sequence numbers and lengths`,
  };
}

function translation(a: Flow, b: Flow): FlowCorrelation['translation'] {
  return {
    ...(sameEndpoint(a.client, b.client) ? {} : { client: { from: a.client, to: b.client } }),
    ...(sameEndpoint(a.server, b.server) ? {} : { server: { from: a.server, to: b.server } }),
  };
}

/**
 * Flows of capture B that carry this connection with (part of) capture A's tuple instead
 * of the translated one: same endpoints as the pair in any untranslated combination, close
 * in time, and, when traces say so, inside the connection's sequence space.
 */
function untranslated(
  pairA: Entry,
  pairB: Entry,
  b: readonly Entry[],
  skew: number,
  limit: number,
): { packet: number; note: string }[] {
  const a = pairA.flow;
  const translated = pairB.flow;
  if (sameTuple(a, translated)) return [];
  const from = Math.min(a.firstUs, translated.firstUs) - skew;
  const to = Math.max(a.lastUs, translated.lastUs) + skew;
  const out: { packet: number; note: string }[] = [];
  for (const other of b) {
    const u = other.flow;
    if (other === pairB || u.firstUs > to || u.lastUs < from) continue;
    const clientSide = pickEndpoint(u, a.client, translated.client);
    const serverSide = pickEndpoint(u, a.server, translated.server);
    if (clientSide === undefined || serverSide === undefined || clientSide === serverSide) continue;
    if (sameEndpoint(clientSide, translated.client) && sameEndpoint(serverSide, translated.server))
      continue;
    if (other.packets.length > 0 && !inSequenceSpace(other, a)) continue;
    const expected = `${formatEndpoint(translated.client)} → ${formatEndpoint(translated.server)}`;
    if (other.packets.length === 0) {
      out.push({
        packet: u.firstPacket,
        note: `${translated.capture} flow ${u.id} (${u.packets} packets from #${u.firstPacket}, packet numbers of ${translated.capture}) carries this connection as ${formatEndpoint(u.client)} → ${formatEndpoint(u.server)} instead of ${expected}: not translated`,
      });
      continue;
    }
    for (const p of other.packets) {
      if (out.length >= limit) return out;
      const senderIsClient = sameEndpoint(p.fromClient ? u.client : u.server, clientSide);
      const counterpart = pairA.packets.find(
        (q) =>
          q.fromClient === senderIsClient &&
          q.seq === p.seq &&
          q.ack === p.ack &&
          q.length === p.length &&
          q.flags === p.flags,
      );
      const src = p.fromClient ? u.client : u.server;
      const dst = p.fromClient ? u.server : u.client;
      const what = `${formatFlags(p.flags)}${p.length > 0 ? ` ${p.length} bytes` : ''}`;
      const seen = `${translated.capture} #${p.packet} shows ${what} ${formatEndpoint(src)} → ${formatEndpoint(dst)} where the translated connection is ${expected}: not translated`;
      out.push(
        counterpart === undefined
          ? {
              packet: p.packet,
              note: `${seen} (packet number of ${translated.capture}; no counterpart kept from ${a.capture})`,
            }
          : { packet: counterpart.packet, note: `${a.capture} #${counterpart.packet}: ${seen}` },
      );
    }
  }
  return out;
}

/** The one of `u`'s two endpoints that equals either candidate, if any. */
function pickEndpoint(u: Flow, x: Endpoint, y: Endpoint): Endpoint | undefined {
  for (const e of [u.client, u.server]) if (sameEndpoint(e, x) || sameEndpoint(e, y)) return e;
  return undefined;
}

/** Whether some digest of `other` lies near the connection's sequence numbers in A. */
function inSequenceSpace(other: Entry, a: Flow): boolean {
  const isns = [a.toServer.initialSeq, a.toClient.initialSeq].filter((x) => x !== undefined);
  if (isns.length === 0) return true;
  const span = a.toServer.payloadBytes + a.toClient.payloadBytes + (1 << 24);
  return other.packets.some((p) =>
    isns.some((isn) => (p.seq - isn) >>> 0 <= span || (p.ack - isn) >>> 0 <= span),
  );
}

function sameTuple(a: Flow, b: Flow): boolean {
  return sameEndpoint(a.client, b.client) && sameEndpoint(a.server, b.server);
}

function sameEndpoint(x: Endpoint, y: Endpoint): boolean {
  return x.ip === y.ip && x.port === y.port;
}

function segmentKey(p: PacketDigest): string {
  return `${p.seq >>> 0}:${p.length}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
