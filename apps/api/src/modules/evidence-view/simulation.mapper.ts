import { summaryEndpoints } from './flow-trace.filter.js';
import type { ConntrackTimelineEvent } from './models/flow-trace.model.js';
import type { SimulatedPacket } from './models/simulated-packet.model.js';
import type { StoredPacketVerdict, StoredTimelineEvent, StoredTuple } from './stored-documents.js';

const FLAGS = /^((?:SYN|FIN|RST|PSH|ACK|URG|none)(?:,(?:SYN|FIN|RST|PSH|ACK|URG))*) /;

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function tupleText(tuple: StoredTuple | undefined): string | null {
  if (!tuple) return null;
  return `${endpoint(tuple.src, tuple.srcPort)} > ${endpoint(tuple.dst, tuple.dstPort)}`;
}

export function toSimulatedPacket(verdict: StoredPacketVerdict): SimulatedPacket {
  const ends = summaryEndpoints(verdict.summary);
  return {
    capture: verdict.capture,
    index: verdict.index,
    time: verdict.time,
    timeUs: verdict.timeUs,
    path: verdict.path,
    summary: verdict.summary,
    from: ends?.from ?? null,
    to: ends?.to ?? null,
    flags: FLAGS.exec(verdict.summary)?.[1] ?? null,
    ctinfo: verdict.ctinfo,
    ctStateBefore: verdict.ctStateBefore,
    ctStateAfter: verdict.ctStateAfter,
    entryId: verdict.entryId,
    invalidReason: verdict.invalidReason ?? null,
    natApplied: verdict.nat.applied,
    natTranslated: tupleText(verdict.nat.translated),
    natSkippedBecause: verdict.nat.skippedBecause ?? null,
    filterVerdict: verdict.filter.verdict,
    filterRule: verdict.filter.rule ?? null,
    deliveredTo: verdict.delivery?.socket ?? null,
    responseKind: verdict.response?.kind ?? null,
    responseFlags: verdict.response?.flags ?? null,
    responseReason: verdict.response?.reason ?? null,
    notes: [...(verdict.notes ?? [])],
  };
}

export function toTimelineEvent(event: StoredTimelineEvent): ConntrackTimelineEvent {
  return {
    time: event.time,
    timeUs: event.timeUs,
    kind: event.kind,
    entryId: event.entryId,
    from: event.from ?? null,
    to: event.to ?? null,
    timer: event.timer ?? null,
    tuple: tupleText(event.original),
    packetIndex: event.packet?.index ?? null,
    packetCapture: event.packet?.capture ?? null,
    note: event.note,
  };
}

/** The packet without its empty fields: a flow's packets travel as one JSON value. */
export function compactPacket(packet: SimulatedPacket): Partial<SimulatedPacket> {
  const compact: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(packet)) {
    if (value !== null && !(Array.isArray(value) && value.length === 0)) compact[key] = value;
  }
  return compact;
}
