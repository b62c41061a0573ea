import type { Endpoint, LogErrorKind } from '@netmortem/domain';
import { parseEndpoint } from '../shared/endpoint-text.js';
import { parseNetfilterPacket } from './netfilter-packet-fields.js';

/** What a kernel message means for a connection, beyond its text. */
export interface KernelMessageMeaning {
  readonly errorKind?: LogErrorKind;
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  readonly fields: Record<string, string | number>;
}

// Newer kernels name the namespace: `nf_conntrack: nf_conntrack: table full in netns 4026532. dropping packet`.
const TABLE_FULL =
  /\b(?:nf|ip)_conntrack: (?:nf_conntrack: )?table full(?: in netns \d+)?, dropping packet/;
// conntrack's log_invalid: `nf_ct_tcp:` (kernels before 5.x), `nf_ct_proto_6:` (later ones).
const CT_INVALID = /^(?:nf_ct_(?:proto_\d+|tcp|udp|udplite|icmp|icmpv6|sctp|dccp|gre)):\s*/;
const INSERT_FAILED = /\bnf_(?:conntrack|nat)\b.*\b(?:insert(?:ion)? failed|insert_failed|clash)/;
const SYN_FLOOD = /Possible SYN flooding on port (\S+?)\.? (Sending cookies|Dropping request)/;
const SUPPRESSED = /^net_ratelimit: (\d+) callbacks suppressed/;
const NEIGH_OVERFLOW = /^neighbour: (\S+): neighbor table overflow/;
const ORPHANS = /^TCP: too many orphaned sockets/;
const TCP_OOM = /^TCP: out of memory/;

export function classifyKernelMessage(message: string): KernelMessageMeaning {
  const packet = parseNetfilterPacket(message);
  const fields: Record<string, string | number> = { ...packet?.fields };
  const flow = packet
    ? {
        ...(packet.source ? { client: packet.source } : {}),
        ...(packet.destination ? { server: packet.destination } : {}),
      }
    : {};

  if (TABLE_FULL.test(message)) {
    return {
      errorKind: 'CONNTRACK_TABLE_FULL',
      fields: { ...fields, event: 'conntrack-table-full' },
    };
  }
  const invalid = CT_INVALID.exec(message);
  if (invalid) {
    const reason = (packet ? packet.prefix : message).slice(invalid[0].length).trim();
    // `… in dir 1 ignored`: the packet travelled in the reply direction, from the server.
    const reply = /\bin dir 1\b/.test(reason);
    return {
      errorKind: 'CONNTRACK_INVALID',
      ...(reply ? { client: flow.server, server: flow.client } : flow),
      fields: {
        ...fields,
        event: 'conntrack-invalid',
        logger: invalid[0].replace(/:\s*$/, ''),
        reason,
      },
    };
  }
  if (INSERT_FAILED.test(message)) {
    return {
      errorKind: 'CONNTRACK_INSERT_FAILED',
      ...flow,
      fields: { ...fields, event: 'conntrack-insert-failed' },
    };
  }
  const synFlood = SYN_FLOOD.exec(message);
  if (synFlood) return synFloodMeaning(synFlood[1] ?? '', synFlood[2] ?? '', fields);
  const suppressed = SUPPRESSED.exec(message);
  if (suppressed)
    return { fields: { event: 'ratelimit-suppressed', suppressed: Number(suppressed[1]) } };
  const neighbours = NEIGH_OVERFLOW.exec(message);
  if (neighbours)
    return { fields: { event: 'neighbour-table-overflow', table: neighbours[1] ?? '' } };
  if (ORPHANS.test(message)) return { fields: { event: 'tcp-too-many-orphans' } };
  if (TCP_OOM.test(message)) return { fields: { event: 'tcp-out-of-memory' } };
  if (packet) {
    return { ...flow, fields: { ...fields, event: 'packet-log', prefix: packet.prefix } };
  }
  return { fields };
}

// Kernels up to 4.x print only the port; later ones the listener's address too.
function synFloodMeaning(
  where: string,
  action: string,
  fields: Record<string, string | number>,
): KernelMessageMeaning {
  const listener = parseEndpoint(where);
  const port = /^\d{1,5}$/.test(where) ? Number(where) : listener?.port;
  return {
    ...(listener ? { server: listener } : {}),
    fields: {
      ...fields,
      event: 'syn-flood',
      action: action === 'Sending cookies' ? 'cookies' : 'drop',
      ...(port !== undefined ? { port } : {}),
    },
  };
}
