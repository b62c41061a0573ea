import { parseIso } from '../shared/timestamps.js';

/** The parts of one Envoy application-log line, across Envoy's and Istio's layouts. */
export interface EnvoyDebugLine {
  readonly timeUs?: number;
  readonly level: string;
  readonly logger: string;
  readonly thread?: number;
  readonly source?: string;
  readonly connectionId?: string;
  readonly streamId?: string;
  readonly message: string;
}

// Envoy's own: `[2026-01-14 10:15:02.866][23][debug][connection] [file.cc:700] [C42][S7] msg`.
const NATIVE =
  /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\]\[(\d+)\]\[(\w+)\]\[([\w.-]+)\] (?:\[([^\]\s]+:\d+)\] )?(.*)$/;
// Istio's agent rewrite: `<rfc3339>\t<level>\tenvoy <logger>[ <file:line>]\t<msg>[\tthread=N]`.
const ISTIO = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\t(\w+)\tenvoy ([\w.-]+)(?: ([^\s\t]+:\d+))?\t(.*)$/;
const THREAD_SUFFIX = /\tthread=(\d+)$/;
const BRACKET_SOURCE = /^\[([^\]\s]+:\d+)\] /;
const IDS = /^\[C(\d+)\](?:\[S(\d+)\])? ?/;
const TAGS = /^\[Tags: ([^\]]*)\] ?/;

export function looksLikeEnvoyDebugLine(line: string): boolean {
  return /^\[\d{4}-\d\d-\d\d \d\d:/.test(line);
}

export function parseEnvoyDebugLine(line: string): EnvoyDebugLine | undefined {
  const native = NATIVE.exec(line);
  if (native) {
    return withIds({
      timeUs: parseIso(native[1] ?? ''),
      thread: Number(native[2]),
      level: native[3] ?? '',
      logger: native[4] ?? '',
      source: native[5],
      message: native[6] ?? '',
    });
  }
  const istio = ISTIO.exec(line);
  if (!istio) return undefined;
  let message = istio[5] ?? '';
  let thread: number | undefined;
  const threadSuffix = THREAD_SUFFIX.exec(message);
  if (threadSuffix) {
    thread = Number(threadSuffix[1]);
    message = message.slice(0, threadSuffix.index);
  }
  let source = istio[4];
  const bracketSource = BRACKET_SOURCE.exec(message);
  if (bracketSource) {
    source ??= bracketSource[1];
    message = message.slice(bracketSource[0].length);
  }
  return withIds({
    timeUs: parseIso(istio[1] ?? ''),
    level: istio[2] ?? '',
    logger: istio[3] ?? '',
    source,
    thread,
    message,
  });
}

interface Draft {
  timeUs: number | undefined;
  level: string;
  logger: string;
  thread?: number | undefined;
  source?: string | undefined;
  message: string;
}

function withIds(draft: Draft): EnvoyDebugLine {
  let { message } = draft;
  let connectionId: string | undefined;
  let streamId: string | undefined;
  const ids = IDS.exec(message);
  if (ids) {
    connectionId = ids[1];
    streamId = ids[2];
    message = message.slice(ids[0].length);
  } else {
    const tags = TAGS.exec(message);
    if (tags) {
      connectionId = /"ConnectionId":"(\d+)"/.exec(tags[1] ?? '')?.[1];
      streamId = /"StreamId":"(\d+)"/.exec(tags[1] ?? '')?.[1];
      message = message.slice(tags[0].length);
    }
  }
  return {
    level: draft.level,
    logger: draft.logger,
    message,
    ...(draft.timeUs !== undefined ? { timeUs: draft.timeUs } : {}),
    ...(draft.thread !== undefined ? { thread: draft.thread } : {}),
    ...(draft.source ? { source: draft.source } : {}),
    ...(connectionId ? { connectionId } : {}),
    ...(streamId ? { streamId } : {}),
  };
}
