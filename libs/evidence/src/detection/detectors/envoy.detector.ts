import { sampledLines, shareConfidence } from '../confidence.js';
import type { KindDetection } from '../kind-detection.js';
import { LineShapes } from '../line-shapes.js';
import type { TextSample } from '../text-sample.js';

/**
 * Envoy's two logs, as Envoy and Istio print them (looked at through container-log envelopes).
 *
 * Access log, text: Envoy's default format and Istio's longer one both open with
 * `[START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS` (`"- - -"` for TCP proxy sessions), FLAGS
 * being `-` or comma-separated response flags such as UC, UF,URX.
 * Access log, JSON: one object per line with keys such as response_flags, upstream_host and
 * start_time (or camelCase spellings of them in custom formats).
 *
 * Envoy's own log: `[2026-01-14 10:15:02.866][23][debug][connection] [source/...:276] [C42] ...`
 * natively; Istio rewrites it as `<rfc3339>\t<level>\tenvoy <logger>\t...`. istio-proxy containers
 * interleave agent lines (`<rfc3339>\tinfo\txdsproxy\t...`) that support either verdict, and
 * debug logs dump headers on continuation lines (`':status', '503'`).
 *
 * `kubectl logs -c istio-proxy` holds both logs: Envoy's own lines at its default levels
 * (startup info, warnings) next to the access log. Only debug and trace lines, which someone
 * turned on to see connection events, outvote access entries; other own-log lines just say
 * "this is Envoy".
 */

const ENVOY_LINES = new LineShapes({
  accessText:
    /\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?\] "(?:[A-Z]+ \S* [A-Z0-9/._-]+|- - -)" (?:\d{1,3}|-) (?:-|[A-Z]{1,6}(?:,[A-Z]{1,6})*)(?: |$)/,
  nativeVerbose: /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]\[\d+\]\[(?:trace|debug)\]\[[\w.-]+\] /,
  nativeOther:
    /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]\[\d+\]\[(?:info|warning|warn|error|critical)\]\[[\w.-]+\] /,
  istioEnvoyVerbose:
    /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z\t(?:trace|debug)\tenvoy [\w.-]+[\t ]/,
  istioEnvoyOther:
    /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z\t(?:info|warning|warn|error|critical)\tenvoy [\w.-]+[\t ]/,
  istioAgent: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z\t(?:debug|info|warn|warning|error|fatal)\t/,
  headerDump: /'[^']*', '/,
  jsonObject: /\{/,
});

// Access-log keys as Envoy and Istio spell them, plus the camelCase of custom JSON formats.
const ACCESS_JSON_KEY =
  /"(start_?time|response_?flags|response_?code(?:_?details)?|upstream_?(?:host|cluster|local_?address|service_?time|transport_?failure_?reason)|downstream_?(?:remote|local)_?address|bytes_?(?:received|sent)|duration|requested_?server_?name|route_?name|connection_?termination_?details|x_?forwarded_?for|request_?id|authority)"\s*:/gi;
const ACCESS_JSON_ANCHOR = /^(?:response_?flags|upstream_?(?:host|cluster))$/i;
const MIN_ACCESS_JSON_KEYS = 4;
// Real access-log objects have a few dozen keys; a line repeating one key is not one.
const MAX_JSON_KEYS_EXAMINED = 64;

export function detectEnvoy(sample: TextSample): KindDetection | undefined {
  const lines = sample.contentLines;
  let accessText = 0;
  let accessJson = 0;
  let ownVerbose = 0;
  let ownOther = 0;
  let supporting = 0;
  for (const line of lines) {
    const shape = ENVOY_LINES.match(line);
    if (shape === 'accessText') accessText++;
    else if (shape === 'nativeVerbose' || shape === 'istioEnvoyVerbose') ownVerbose++;
    else if (shape === 'nativeOther' || shape === 'istioEnvoyOther') ownOther++;
    else if (shape === 'istioAgent' || shape === 'headerDump') supporting++;
    else if (shape === 'jsonObject' && isAccessJson(line)) accessJson++;
  }
  const access = accessText + accessJson;
  const own = ownVerbose + ownOther;
  if (access === 0 && own === 0) return undefined;
  const envoyLines = access + own + supporting;
  const confidence = shareConfidence(envoyLines, lines.length, 0.45, 0.97);
  const isAccess = access > 0 && access >= ownVerbose;
  const main = isAccess ? access : own;
  const what = isAccess
    ? `are Envoy access-log entries (${accessText >= accessJson ? 'text' : 'JSON'})`
    : "are Envoy's own log lines";
  const rest = envoyLines - main;
  return {
    kind: isAccess ? 'envoy-access-log' : 'envoy-debug-log',
    confidence,
    reason:
      sampledLines(main, lines.length, what) + (rest > 0 ? `, plus ${rest} other proxy lines` : ''),
  };
}

function isAccessJson(line: string): boolean {
  // Every anchor key contains one of these; most JSON app-log lines contain neither.
  if (!/upstream|response/i.test(line)) return false;
  const seen = new Set<string>();
  let anchored = false;
  ACCESS_JSON_KEY.lastIndex = 0;
  for (let examined = 0; examined < MAX_JSON_KEYS_EXAMINED; examined++) {
    const match = ACCESS_JSON_KEY.exec(line);
    if (!match) return false;
    const key = match[1]!.toLowerCase().replaceAll('_', '');
    seen.add(key);
    anchored ||= ACCESS_JSON_ANCHOR.test(key);
    if (anchored && seen.size >= MIN_ACCESS_JSON_KEYS) return true;
  }
  return false;
}
