import type { Endpoint } from '@netmortem/domain';
import { endpoint } from '../shared/endpoint-text.js';
import { canonicalIp } from '../shared/ip-address.js';

/**
 * The packet summary the kernel's netfilter loggers print (LOG target, nft `log`, conntrack's
 * log_invalid): `IN=eth0 OUT= MAC=… SRC=10.0.0.1 DST=… PROTO=TCP SPT=… DPT=… SYN ACK …`.
 */
export interface NetfilterPacket {
  /** Text before `IN=`: the log prefix, or conntrack's reason. */
  readonly prefix: string;
  readonly fields: Record<string, string | number>;
  readonly source?: Endpoint;
  readonly destination?: Endpoint;
}

const KEYS: Readonly<Record<string, string>> = {
  IN: 'in', OUT: 'out', MAC: 'mac', SRC: 'src', DST: 'dst', LEN: 'len', TOS: 'tos',
  PREC: 'prec', TTL: 'ttl', ID: 'ipId', PROTO: 'proto', SPT: 'spt', DPT: 'dpt', SEQ: 'seq',
  ACK: 'ack', WINDOW: 'window', RES: 'res', URGP: 'urgp', UID: 'uid', GID: 'gid', MARK: 'mark',
  TC: 'tc', HOPLIMIT: 'hopLimit', FLOWLBL: 'flowLabel', TYPE: 'icmpType', CODE: 'icmpCode',
  PHYSIN: 'physIn', PHYSOUT: 'physOut',
}; // prettier-ignore
const NUMERIC = new Set([
  'len',
  'ttl',
  'ipId',
  'spt',
  'dpt',
  'seq',
  'ack',
  'window',
  'urgp',
  'uid',
  'gid',
  'hopLimit',
  'icmpType',
  'icmpCode',
]);
const FLAG_WORDS = new Set([
  'CE',
  'DF',
  'MF',
  'CWR',
  'ECE',
  'URG',
  'ACK',
  'PSH',
  'RST',
  'SYN',
  'FIN',
]);

export function parseNetfilterPacket(message: string): NetfilterPacket | undefined {
  const at = message.startsWith('IN=') ? 0 : message.indexOf(' IN=');
  if (at < 0 || !/ OUT=/.test(message.slice(at, at + 64))) return undefined;
  const prefix = message.slice(0, at).trim();
  const fields: Record<string, string | number> = {};
  const flags: string[] = [];
  // Stop at the quoted header of an ICMP error (`[SRC=… ]`): those fields are the inner packet's.
  const body = message.slice(at).split(' [')[0] ?? '';
  for (const token of body.trim().split(/ +/)) {
    const eq = token.indexOf('=');
    if (eq > 0) {
      const key = KEYS[token.slice(0, eq)];
      if (!key || key in fields) continue;
      const raw = token.slice(eq + 1);
      const value = key === 'src' || key === 'dst' ? (canonicalIp(raw) ?? raw) : raw;
      fields[key] = NUMERIC.has(key) && /^\d+$/.test(value) ? Number(value) : value;
    } else if (FLAG_WORDS.has(token)) {
      flags.push(token);
    } else if (/^\(([0-9A-F]+)\)$/.test(token)) {
      fields.options = token.slice(1, -1);
    }
  }
  if (flags.length > 0) fields.flags = flags.join(' ');
  const src = typeof fields.src === 'string' ? fields.src : undefined;
  const dst = typeof fields.dst === 'string' ? fields.dst : undefined;
  const source = src && fields.spt !== undefined ? endpoint(src, fields.spt) : undefined;
  const destination = dst && fields.dpt !== undefined ? endpoint(dst, fields.dpt) : undefined;
  return {
    prefix,
    fields,
    ...(source ? { source } : {}),
    ...(destination ? { destination } : {}),
  };
}
