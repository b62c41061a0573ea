import type { EnvoyAccessFields } from './envoy-access-entry.js';

interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

const START = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\] "/;
const COUNT = /^\d+$/;

/** Whether a line is meant to be a text access log entry (so failing to read it is an issue). */
export function looksLikeTextAccessEntry(line: string): boolean {
  return START.test(line);
}

/**
 * Envoy's default format, Istio's (with response code details, termination details and the
 * transport failure reason) and older Istio's (mixer status): all share the head `[time]
 * "request" code flags`, then optional detail fields, then `received sent duration
 * upstream-time`, five quoted headers and, for Istio, six address/cluster fields. The counts
 * anchor the layout, so the variants are told apart without a table of formats.
 */
export function parseTextAccessEntry(line: string): EnvoyAccessFields | undefined {
  const start = START.exec(line);
  if (!start) return undefined;
  const tokens = tokenize(line.slice(start[0].length - 1));
  if (!tokens || tokens.length < 7) return undefined;
  const [request, code, flags] = tokens;
  if (!request?.quoted || !code || !flags || code.quoted || flags.quoted) return undefined;
  if (!/^(\d{1,3}|-)$/.test(code.text)) return undefined;

  let counts = -1;
  for (let i = 3; i <= 6 && i + 3 < tokens.length; i += 1) {
    const [a, b, c, d] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]];
    if (
      a &&
      b &&
      c &&
      d &&
      [a, b, c].every((t) => !t.quoted && COUNT.test(t.text)) &&
      !d.quoted &&
      /^(\d+|-)$/.test(d.text)
    ) {
      counts = i;
      break;
    }
  }
  if (counts < 0) return undefined;

  const entry: EnvoyAccessFields = {
    startTime: start[1] ?? '',
    responseCode: code.text,
    responseFlags: flags.text,
  };
  Object.assign(entry, requestLine(request.text));
  const extras = tokens.slice(3, counts);
  const bare = extras.filter((t) => !t.quoted).map((t) => t.text);
  const quoted = extras.filter((t) => t.quoted).map((t) => t.text);
  if (bare[0] !== undefined) entry.responseCodeDetails = bare[0];
  if (bare[1] !== undefined) entry.connectionTerminationDetails = bare[1];
  if (quoted.length > 0) entry.upstreamTransportFailureReason = quoted[quoted.length - 1];

  entry.bytesReceived = tokens[counts]?.text;
  entry.bytesSent = tokens[counts + 1]?.text;
  entry.duration = tokens[counts + 2]?.text;
  entry.upstreamServiceTime = tokens[counts + 3]?.text;
  const headers = tokens.slice(counts + 4, counts + 9);
  if (headers.some((t) => !t.quoted)) return undefined;
  [entry.forwardedFor, entry.userAgent, entry.requestId, entry.authority, entry.upstreamHost] =
    headers.map((t) => t.text);
  const tail = tokens.slice(counts + 9).map((t) => t.text);
  [
    entry.upstreamCluster,
    entry.upstreamLocalAddress,
    entry.downstreamLocalAddress,
    entry.downstreamRemoteAddress,
    entry.requestedServerName,
    entry.routeName,
  ] = tail;
  return entry;
}

function requestLine(text: string): Partial<EnvoyAccessFields> {
  const [method, path, protocol] = text.split(' ');
  return { method, path, protocol };
}

/** Words and `"quoted strings"`; a quote closes only before a space or the end of the line. */
function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i += 1;
      continue;
    }
    if (text[i] === '"') {
      let end = text.indexOf('"', i + 1);
      while (end >= 0 && end + 1 < text.length && text[end + 1] !== ' ')
        end = text.indexOf('"', end + 1);
      if (end < 0) return undefined;
      tokens.push({ text: text.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else {
      let end = text.indexOf(' ', i);
      if (end < 0) end = text.length;
      tokens.push({ text: text.slice(i, end), quoted: false });
      i = end;
    }
  }
  return tokens;
}
