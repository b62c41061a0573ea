import type { Endpoint, LogErrorKind } from '@netmortem/domain';
import { parseEndpoint } from '../shared/endpoint-text.js';
import { errorKindOf, parseResponseFlags } from './envoy-response-flags.js';

/** One access log entry with Envoy's command-operator names, whatever format carried it. */
export interface EnvoyAccessFields {
  startTime?: string;
  method?: string;
  path?: string;
  protocol?: string;
  responseCode?: string;
  responseFlags?: string;
  responseCodeDetails?: string;
  connectionTerminationDetails?: string;
  upstreamTransportFailureReason?: string;
  bytesReceived?: string;
  bytesSent?: string;
  duration?: string;
  upstreamServiceTime?: string;
  forwardedFor?: string;
  userAgent?: string;
  requestId?: string;
  authority?: string;
  upstreamHost?: string;
  upstreamCluster?: string;
  upstreamLocalAddress?: string;
  downstreamLocalAddress?: string;
  downstreamRemoteAddress?: string;
  requestedServerName?: string;
  routeName?: string;
}

export interface EnvoyAccessMeaning {
  readonly responseFlags?: string[];
  readonly errorKind?: LogErrorKind;
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  readonly fields: Record<string, string | number>;
}

const NUMERIC_FIELDS = new Set(['bytesReceived', 'bytesSent', 'duration', 'upstreamServiceTime']);

/** Absent values (`-`, null) are dropped; counts become numbers; the rest stay verbatim. */
export function interpretAccessFields(entry: EnvoyAccessFields): EnvoyAccessMeaning {
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(entry) as [string, string | undefined][]) {
    if (value === undefined || value === '' || value === '-' || key === 'startTime') continue;
    fields[key] = NUMERIC_FIELDS.has(key) && /^\d+$/.test(value) ? Number(value) : value;
  }
  if (entry.responseCode && /^\d+$/.test(entry.responseCode)) {
    fields.status = Number(entry.responseCode);
    delete fields.responseCode;
  }
  delete fields.responseFlags;
  if (typeof fields.duration === 'number') {
    fields.durationMs = fields.duration;
    delete fields.duration;
  }
  const responseFlags = parseResponseFlags(entry.responseFlags);
  const details = [
    entry.responseCodeDetails,
    entry.connectionTerminationDetails,
    entry.upstreamTransportFailureReason,
  ]
    .filter((value) => value && value !== '-')
    .join(' ');
  const errorKind = errorKindOf(responseFlags, details || undefined);
  const client = entry.downstreamRemoteAddress
    ? parseEndpoint(entry.downstreamRemoteAddress)
    : undefined;
  const server = entry.upstreamHost ? parseEndpoint(entry.upstreamHost) : undefined;
  return {
    fields,
    ...(responseFlags ? { responseFlags } : {}),
    ...(errorKind ? { errorKind } : {}),
    ...(client ? { client } : {}),
    ...(server ? { server } : {}),
  };
}
