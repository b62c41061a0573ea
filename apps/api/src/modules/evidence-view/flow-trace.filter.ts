import type { StoredPacketVerdict, StoredTimelineEvent } from './stored-documents.js';

/** The flow a finding names: its client, the address it dialled, and the real backend. */
export interface FlowEndpoints {
  readonly client: string;
  readonly server: string;
  readonly backend?: string;
}

const ENTRY_ID = /"entryId":(\d+)/;
const ENDPOINTS = / from (\S+) to (\S+)$/;

/** `ip:port` (`[v6]:port`) of a tuple end, as packet summaries print it. */
function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Sender and receiver (`ip:port`) from a verdict's summary (`SYN from A to B`). */
export function summaryEndpoints(summary: string): { from: string; to: string } | null {
  const match = ENDPOINTS.exec(summary);
  return match ? { from: match[1]!, to: match[2]! } : null;
}

/**
 * Decides, item by item in document order, which simulation items belong to one flow: the
 * packets between its client and server (either direction), those of the same conntrack
 * entries (the NAT-translated twin seen on another interface), those between the translated
 * addresses, and the timeline events of those entries. Cheap text checks come first so most
 * items of other flows are never parsed.
 */
export class FlowTraceFilter {
  private readonly pairs = new Set<string>();
  private readonly needles = new Set<string>();
  private readonly entries = new Set<number>();
  readonly clientSide = new Set<string>();

  constructor(flow: FlowEndpoints) {
    this.addPair(flow.client, flow.server);
    if (flow.backend) this.addPair(flow.client, flow.backend);
    this.clientSide.add(flow.client);
  }

  /** The verdict when the packet item belongs to the flow, otherwise null. */
  packet(text: string): StoredPacketVerdict | null {
    if (!this.mayConcern(text)) return null;
    const verdict = JSON.parse(text) as StoredPacketVerdict;
    const ends = summaryEndpoints(verdict.summary);
    const byPair = ends !== null && this.pairs.has(pairKey(ends.from, ends.to));
    const byEntry = verdict.entryId !== null && this.entries.has(verdict.entryId);
    if (!byPair && !byEntry) return null;
    if (ends !== null) this.addPair(ends.from, ends.to);
    if (verdict.entryId !== null) this.entries.add(verdict.entryId);
    const translated = verdict.nat.translated;
    if (translated) {
      const src = hostPort(translated.src, translated.srcPort);
      this.addPair(src, hostPort(translated.dst, translated.dstPort));
      if (ends !== null && this.clientSide.has(ends.from)) this.clientSide.add(src);
    }
    return verdict;
  }

  /** The event when it changes one of the flow's conntrack entries, otherwise null. */
  event(text: string): StoredTimelineEvent | null {
    const id = ENTRY_ID.exec(text);
    if (!id || !this.entries.has(Number(id[1]))) return null;
    return JSON.parse(text) as StoredTimelineEvent;
  }

  private mayConcern(text: string): boolean {
    for (const needle of this.needles) if (text.includes(needle)) return true;
    const id = ENTRY_ID.exec(text);
    return id !== null && this.entries.has(Number(id[1]));
  }

  private addPair(a: string, b: string): void {
    this.pairs.add(pairKey(a, b));
    this.needles.add(a);
    this.needles.add(b);
  }
}
