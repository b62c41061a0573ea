import type { LogErrorKind } from '@netmortem/domain';

/** Envoy's `%RESPONSE_FLAGS_LONG%` names and the short codes `%RESPONSE_FLAGS%` prints. */
const LONG_TO_SHORT: Readonly<Record<string, string>> = {
  NoHealthyUpstream: 'UH',
  UpstreamConnectionFailure: 'UF',
  UpstreamOverflow: 'UO',
  NoRouteFound: 'NR',
  UpstreamRetryLimitExceeded: 'URX',
  NoClusterFound: 'NC',
  DurationTimeout: 'DT',
  DownstreamConnectionTermination: 'DC',
  FailedLocalHealthCheck: 'LH',
  UpstreamRequestTimeout: 'UT',
  LocalReset: 'LR',
  UpstreamRemoteReset: 'UR',
  UpstreamConnectionTermination: 'UC',
  DelayInjected: 'DI',
  FaultInjected: 'FI',
  RateLimited: 'RL',
  UnauthorizedExternalService: 'UAEX',
  RateLimitServiceError: 'RLSE',
  InvalidEnvoyRequestHeaders: 'IH',
  StreamIdleTimeout: 'SI',
  DownstreamProtocolError: 'DPE',
  UpstreamProtocolError: 'UPE',
  UpstreamMaxStreamDurationReached: 'UMSDR',
  ResponseFromCacheFilter: 'RFCF',
  NoFilterConfigFound: 'NFCF',
  OverloadManagerTerminated: 'OM',
  DnsResolutionFailed: 'DF',
  DropOverload: 'DO',
  DownstreamRemoteReset: 'DR',
  UnconditionalDropOverload: 'UDO',
};

const SHORT = new Set(Object.values(LONG_TO_SHORT));

/** `UF,URX` / `-` / `UpstreamConnectionFailure,UpstreamRetryLimitExceeded` → short codes. */
export function parseResponseFlags(text: string | undefined | null): string[] | undefined {
  if (!text || text === '-') return undefined;
  const flags: string[] = [];
  for (const part of text.split(',')) {
    const name = part.trim();
    const short = LONG_TO_SHORT[name] ?? (SHORT.has(name) ? name : undefined);
    if (short) flags.push(short);
    else if (/^[A-Z]{1,6}$/.test(name))
      flags.push(name); // a code newer than this table
    else return undefined;
  }
  return flags.length > 0 ? flags : undefined;
}

// Ordered: a failed connect explains the retries and resets that follow it.
const FLAG_KINDS: readonly (readonly [string, LogErrorKind])[] = [
  ['UF', 'UPSTREAM_CONNECT_FAILURE'],
  ['UC', 'UPSTREAM_RESET'],
  ['UR', 'UPSTREAM_RESET'],
  ['DC', 'DOWNSTREAM_RESET'],
  ['DR', 'DOWNSTREAM_RESET'],
  ['SI', 'IDLE_TIMEOUT'],
  ['UT', 'ETIMEDOUT'],
];

const DETAIL_KINDS: readonly (readonly [RegExp, LogErrorKind])[] = [
  [/connection_failure|connect_error|delayed_connect_error/, 'UPSTREAM_CONNECT_FAILURE'],
  [
    /upstream_reset.*(?:connection_termination|remote_reset)|upstream_reset_after_response_started/,
    'UPSTREAM_RESET',
  ],
  [/downstream_remote_disconnect|downstream_reset/, 'DOWNSTREAM_RESET'],
  [/stream_idle_timeout|idle_timeout/, 'IDLE_TIMEOUT'],
];

export function errorKindOf(
  flags: readonly string[] | undefined,
  details: string | undefined,
): LogErrorKind | undefined {
  for (const [flag, kind] of FLAG_KINDS) if (flags?.includes(flag)) return kind;
  if (!details) return undefined;
  for (const [pattern, kind] of DETAIL_KINDS) if (pattern.test(details)) return kind;
  return undefined;
}
