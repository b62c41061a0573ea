import type { EnvoyAccessFields } from './envoy-access-entry.js';

/** Command-operator names as Istio's JSON encoding (and most hand-made ones) spell them. */
const KEYS: Readonly<Record<string, keyof EnvoyAccessFields>> = {
  start_time: 'startTime',
  method: 'method',
  path: 'path',
  protocol: 'protocol',
  response_code: 'responseCode',
  response_flags: 'responseFlags',
  response_code_details: 'responseCodeDetails',
  connection_termination_details: 'connectionTerminationDetails',
  upstream_transport_failure_reason: 'upstreamTransportFailureReason',
  bytes_received: 'bytesReceived',
  bytes_sent: 'bytesSent',
  duration: 'duration',
  upstream_service_time: 'upstreamServiceTime',
  x_forwarded_for: 'forwardedFor',
  user_agent: 'userAgent',
  request_id: 'requestId',
  authority: 'authority',
  upstream_host: 'upstreamHost',
  upstream_cluster: 'upstreamCluster',
  upstream_local_address: 'upstreamLocalAddress',
  downstream_local_address: 'downstreamLocalAddress',
  downstream_remote_address: 'downstreamRemoteAddress',
  requested_server_name: 'requestedServerName',
  route_name: 'routeName',
};

const ACCESS_MARKERS = [
  'response_code',
  'response_flags',
  'upstream_host',
  'downstream_remote_address',
];

export type JsonAccessResult =
  | { readonly kind: 'entry'; readonly entry: EnvoyAccessFields }
  | { readonly kind: 'other' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** A JSON line: an access entry, some other JSON log line (the agent's), or broken JSON. */
export function parseJsonAccessEntry(line: string): JsonAccessResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : 'invalid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'other' };
  const record = value as Record<string, unknown>;
  const normalised = new Map(Object.entries(record).map(([k, v]) => [snake(k), v]));
  if (!ACCESS_MARKERS.some((key) => normalised.has(key))) return { kind: 'other' };
  const entry: EnvoyAccessFields = {};
  for (const [key, field] of Object.entries(KEYS)) {
    const raw = normalised.get(key);
    if (typeof raw === 'string') entry[field] = raw;
    else if (typeof raw === 'number' || typeof raw === 'boolean') entry[field] = String(raw);
  }
  return { kind: 'entry', entry };
}

// `responseFlags` and `response_flags` name the same operator.
function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
