import type { ConntrackEntry, ConntrackEvent, ConntrackTuple } from '@netmortem/domain';
import {
  EVENT_DESTROY,
  EVENT_NEW,
  type ConntrackRecord,
  type TupleDraft,
} from './conntrack-record.js';

/**
 * The part of an entry that follows its state: tuples, flags, mark, zone, use, id, counters.
 * Immutable, so successive events of one connection, which print it identically, can share
 * one copy (see FieldsCache).
 */
export interface EntryFields {
  readonly family: 'ipv4' | 'ipv6';
  readonly original: ConntrackTuple;
  readonly reply: ConntrackTuple;
  readonly assured: boolean;
  readonly unreplied: boolean;
  readonly mark: number | undefined;
  readonly zone: number | undefined;
  readonly use: number | undefined;
  readonly id: number | undefined;
  readonly counters: ConntrackEntry['counters'];
}

export function buildFields(record: ConntrackRecord): EntryFields {
  return {
    family: record.original.src.includes(':') ? 'ipv6' : 'ipv4',
    original: buildTuple(record.original),
    reply: buildTuple(record.reply),
    assured: record.assured,
    unreplied: record.unreplied,
    mark: record.mark < 0 ? undefined : record.mark,
    zone: record.zone < 0 ? undefined : record.zone,
    use: record.use < 0 ? undefined : record.use,
    id: record.id < 0 ? undefined : record.id,
    counters: buildCounters(record),
  };
}

/*
 * Every object of a kind is built with the same properties in the same order (absent ones
 * undefined), so V8 gives a million of them one hidden class and the events path stays fast.
 */

export function buildEntry(
  record: ConntrackRecord,
  fields: EntryFields,
  artifact: string,
  line: number,
): ConntrackEntry {
  return {
    locator: { artifact, line },
    family: record.family ?? fields.family,
    protocol: record.protocol,
    protocolNumber: record.protocolNumber,
    timeoutSec: record.timeoutSec < 0 ? undefined : record.timeoutSec,
    tcpState: record.tcpState,
    original: fields.original,
    reply: fields.reply,
    assured: fields.assured,
    unreplied: fields.unreplied,
    mark: fields.mark,
    zone: fields.zone,
    use: fields.use,
    id: fields.id,
    counters: fields.counters,
  };
}

export function buildEvent(
  record: ConntrackRecord,
  fields: EntryFields,
  artifact: string,
  line: number,
): ConntrackEvent {
  return {
    locator: { artifact, line },
    type: eventName(record.eventType),
    timeUs: record.timeUs < 0 ? undefined : record.timeUs,
    family: record.family ?? fields.family,
    protocol: record.protocol,
    protocolNumber: record.protocolNumber,
    timeoutSec: record.timeoutSec < 0 ? undefined : record.timeoutSec,
    tcpState: record.tcpState,
    original: fields.original,
    reply: fields.reply,
    assured: fields.assured,
    unreplied: fields.unreplied,
    mark: fields.mark,
    zone: fields.zone,
    use: fields.use,
    id: fields.id,
    counters: fields.counters,
  };
}

function eventName(type: number): ConntrackEvent['type'] {
  if (type === EVENT_NEW) return 'NEW';
  return type === EVENT_DESTROY ? 'DESTROY' : 'UPDATE';
}

function buildTuple(draft: TupleDraft): ConntrackTuple {
  return {
    src: draft.src,
    dst: draft.dst,
    srcPort: draft.srcPort < 0 ? undefined : draft.srcPort,
    dstPort: draft.dstPort < 0 ? undefined : draft.dstPort,
    icmp:
      draft.icmpType < 0
        ? undefined
        : {
            type: draft.icmpType,
            code: Math.max(0, draft.icmpCode),
            id: Math.max(0, draft.icmpId),
          },
  };
}

// With nf_conntrack_acct=1 each tuple carries packets= and bytes=.
function buildCounters(record: ConntrackRecord): ConntrackEntry['counters'] {
  const original = directionCounters(record.original);
  const reply = directionCounters(record.reply);
  if (!original && !reply) return undefined;
  return { original, reply };
}

function directionCounters(draft: TupleDraft): { packets: number; bytes: number } | undefined {
  if (draft.packets < 0 && draft.bytes < 0) return undefined;
  return { packets: Math.max(0, draft.packets), bytes: Math.max(0, draft.bytes) };
}
