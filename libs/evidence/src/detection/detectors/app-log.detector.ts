import { roundConfidence, sampledLines } from '../confidence.js';
import type { KindDetection } from '../kind-detection.js';
import type { TextSample } from '../text-sample.js';

/**
 * Client and application logs: the catch-all for logs that are not a tool's structured output.
 * A line counts as a log line when it opens the way loggers open lines (a date or time, a klog
 * header such as `E0114 10:21:07.412093   48213 portforward.go:409]`, a level, a JSON log object,
 * logfmt) or continues an error report (Java/Node/Python stack frames, `Caused by:`, a Node
 * error's `code: 'ECONNRESET'`). Network failure phrases ("connection reset by peer",
 * ETIMEDOUT, "lost connection to pod", ...) make it a more useful and more certain app log.
 *
 * Confidence stays below the structured kinds: an Envoy or kernel log also looks like a log,
 * and must win. Text with failure phrases but no log lines at all (notes, a README) is only a
 * weak candidate, left for a `.log` file name to confirm.
 */

// One anchored alternation per family: a single regex call per line instead of one per shape.
const LOG_LINE_START = anyAtLineStart([
  /\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d/,
  /\[?\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/,
  /[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.-]+:\d+\] /,
  /(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d /,
  /\[?\d\d:\d\d:\d\d(?:[.,]\d+)?\]? /,
  /\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)\]?[\s:]/,
  /\{.*"(?:level|lvl|severity|msg|message|@timestamp)"\s*:/,
  /(?:time|ts|level|lvl)=\S+ /,
  /Forwarding from \S+ -> \d+$/,
  /Handling connection for \d+$/,
  /error: /,
]);
// Lines that continue an error report: stack frames, causes, Node error properties, tracebacks.
const ERROR_REPORT_LINE = anyAtLineStart([
  /\s+at \S/,
  /Caused by: /,
  /\s*\.\.\. \d+ (?:more|common frames omitted)$/,
  /(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)(?::|$)/,
  /[A-Z]\w*(?:Error|Exception): /,
  /\s+(?:errno|code|syscall|address|port|hostname|reason): /,
  /Traceback \(most recent call last\):$/,
  /\s+File "[^"]*", line \d+/,
  /During handling of the above exception/,
]);
// "connection reset" but not netstat -s's "connection resets received".
const NETWORK_FAILURE =
  /connection reset(?!s)|broken pipe|econnreset|etimedout|econnrefused|ehostunreach|enetunreach|econnaborted|\bepipe\b|i\/o timeout|connection refused|connection timed out|connect timed out|timed out connecting|sockettimeoutexception|socketexception|lost connection to pod|error copying from|an error occurred forwarding|socket hang up|prematurely closed|unexpected eof|no route to host|network is unreachable|tls handshake timeout|context deadline exceeded|connection aborted|closed idle connection|upstream connect error/i;

const MAX_CONFIDENCE = 0.85;
const MAX_COUNTED_FAILURES = 4;

export function detectAppLog(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  let logLines = 0;
  let failures = 0;
  for (const line of lines) {
    if (LOG_LINE_START.test(line) || ERROR_REPORT_LINE.test(line)) logLines++;
    // Confidence stops growing at MAX_COUNTED_FAILURES, so the search can stop there too.
    if (failures < MAX_COUNTED_FAILURES && NETWORK_FAILURE.test(line)) failures++;
  }
  if (logLines === 0 && failures === 0) return undefined;
  const failureNote =
    failures > 0
      ? `; ${failures}${failures === MAX_COUNTED_FAILURES ? '+' : ''} mention network failures`
      : '';
  if (logLines === 0) {
    return {
      kind: 'app-log',
      confidence: 0.25,
      reason: `no log-shaped lines, but ${failures} of ${lines.length} mention network failures`,
    };
  }
  const share = logLines / lines.length;
  const failureWeight = failures > 0 ? 0.15 + 0.05 * failures : 0;
  return {
    kind: 'app-log',
    confidence: roundConfidence(Math.min(MAX_CONFIDENCE, 0.25 + 0.4 * share + failureWeight)),
    reason: sampledLines(logLines, lines.length, 'look like log lines') + failureNote,
  };
}

function anyAtLineStart(shapes: readonly RegExp[]): RegExp {
  return new RegExp(`^(?:${shapes.map((shape) => `(?:${shape.source})`).join('|')})`);
}
