/**
 * Logs collected from Kubernetes nodes often arrive wrapped by the runtime or by kubectl: the
 * CRI file format (`<rfc3339nano> stdout F <line>`) under /var/log/pods, `kubectl logs
 * --timestamps` (`<rfc3339nano> <line>`), Docker's json-file driver (`{"log":"<line>\n",...}`)
 * and the `[Envoy (Epoch 0)] ` prefix old Istio agents put in front of Envoy's output. Format
 * detectors look through the wrapper, so a wrapped Envoy log is still an Envoy log.
 */

const CRI_PREFIX =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) (?:stdout|stderr) [FP] /;
// kubectl prints nanoseconds and a space; Istio's own timestamp has microseconds and a tab.
const KUBECTL_TIMESTAMP_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;
const EPOCH_PREFIX = /^\[Envoy \(Epoch \d+\)\] /;
const DOCKER_JSON_START = '{"log":"';
const DOCKER_JSON_END = /^\{"log":"((?:[^"\\]|\\.)*)","stream":"(?:stdout|stderr)"/;

export function unwrapLogLine(line: string): string {
  let inner = line;
  const cri = CRI_PREFIX.exec(inner);
  if (cri) {
    inner = inner.slice(cri[0].length);
  } else {
    const kubectl = KUBECTL_TIMESTAMP_PREFIX.exec(inner);
    if (kubectl) inner = inner.slice(kubectl[0].length);
    else if (inner.startsWith(DOCKER_JSON_START)) inner = dockerJsonPayload(inner) ?? inner;
  }
  const epoch = EPOCH_PREFIX.exec(inner);
  return epoch ? inner.slice(epoch[0].length) : inner;
}

function dockerJsonPayload(line: string): string | undefined {
  const match = DOCKER_JSON_END.exec(line);
  if (!match) return undefined;
  return unescapeJsonString(match[1]!).replace(/\s+$/, '');
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

// Only what Docker emits for log text; anything else is kept as written.
function unescapeJsonString(value: string): string {
  return value.replace(/\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/g, (_, escape: string) => {
    if (escape.length === 5) return String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    return SIMPLE_ESCAPES[escape] ?? escape;
  });
}
