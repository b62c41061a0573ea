import type { Endpoint, LogErrorKind } from '@netmortem/domain';
import { parseEndpoint } from '../shared/endpoint-text.js';
import { errorKindOf } from './envoy-response-flags.js';

export interface EnvoyDebugMeaning {
  readonly notable: boolean;
  readonly errorKind?: LogErrorKind;
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  readonly fields: Record<string, string | number>;
}

// Envoy's Network::ConnectionCloseType, as `closing socket: N` prints it.
const CLOSE_TYPES = ['FlushWrite', 'NoFlush', 'FlushWriteAndDelay', 'Abort', 'AbortReset'];

const RESET_REASONS: readonly (readonly [RegExp, LogErrorKind])[] = [
  [/connection failure|connection timeout|remote connection failure/, 'UPSTREAM_CONNECT_FAILURE'],
  [/connection termination|remote reset|remote refused stream reset/, 'UPSTREAM_RESET'],
];

const SOCKET_ERRORS: readonly (readonly [RegExp, LogErrorKind])[] = [
  [/Connection reset by peer|errno=104\b|\bECONNRESET\b/, 'ECONNRESET'],
  [/Broken pipe|errno=32\b|\bEPIPE\b/, 'EPIPE'],
  [/Connection refused|errno=111\b|connect error: 111\b|\bECONNREFUSED\b/, 'ECONNREFUSED'],
  [/Connection timed out|errno=110\b|\bETIMEDOUT\b/, 'ETIMEDOUT'],
  [/No route to host|errno=113\b/, 'EHOSTUNREACH'],
];

/** Connection lifecycle and failure lines of Envoy's debug/trace logs. */
export function classifyEnvoyDebugMessage(message: string): EnvoyDebugMeaning {
  let m: RegExpExecArray | null;
  if ((m = /^new connection from (\S+)/.exec(message))) {
    const client = parseEndpoint(m[1] ?? '');
    return { notable: true, ...(client ? { client } : {}), fields: { event: 'new-connection' } };
  }
  if ((m = /^connecting to (\S+)/.exec(message))) {
    const server = parseEndpoint(m[1] ?? '');
    return { notable: true, ...(server ? { server } : {}), fields: { event: 'connecting' } };
  }
  if (
    (m = /upstream reset: reset reason:? ([^,]*)(?:, transport failure reason: ?(.*))?$/.exec(
      message,
    ))
  ) {
    const reason = (m[1] ?? '').trim();
    const kind = RESET_REASONS.find(([pattern]) => pattern.test(reason))?.[1];
    return {
      notable: true,
      ...(kind ? { errorKind: kind } : {}),
      fields: {
        event: 'upstream-reset',
        resetReason: reason,
        ...(m[2]?.trim() ? { transportFailureReason: m[2].trim() } : {}),
      },
    };
  }
  if ((m = /^closing socket: (\d)/.exec(message))) {
    const type = Number(m[1]);
    return {
      notable: true,
      fields: { event: 'close', closeType: CLOSE_TYPES[type] ?? String(type) },
    };
  }
  if ((m = /^closing data_to_write=(\d+) type=(\d)/.exec(message))) {
    const type = Number(m[2]);
    return {
      notable: true,
      fields: {
        event: 'close-requested',
        dataToWrite: Number(m[1]),
        closeType: CLOSE_TYPES[type] ?? String(type),
      },
    };
  }
  if (/^remote early close/.test(message))
    return { notable: true, fields: { event: 'remote-early-close' } };
  if (/^remote close/.test(message)) return { notable: true, fields: { event: 'remote-close' } };
  if (/^local close/.test(message)) return { notable: true, fields: { event: 'local-close' } };
  if (/half.clos/i.test(message)) return { notable: true, fields: { event: 'half-close' } };
  if (/Session timed out|idle timeout/i.test(message)) {
    return { notable: true, errorKind: 'IDLE_TIMEOUT', fields: { event: 'idle-timeout' } };
  }
  if ((m = /^disconnect\. resetting (\d+) pending requests?/.exec(message))) {
    return { notable: true, fields: { event: 'disconnect', pendingRequests: Number(m[1]) } };
  }
  if ((m = /client disconnected, failure reason: ?(.*)$/.exec(message))) {
    return {
      notable: true,
      fields: { event: 'client-disconnected', ...(m[1] ? { failureReason: m[1] } : {}) },
    };
  }
  if ((m = /Sending local reply with details (\S+)/.exec(message))) {
    const kind = errorKindOf(undefined, m[1]);
    return {
      notable: true,
      ...(kind ? { errorKind: kind } : {}),
      fields: { event: 'local-reply', details: m[1] ?? '' },
    };
  }
  const socketError = SOCKET_ERRORS.find(([pattern]) => pattern.test(message));
  if (socketError)
    return { notable: true, errorKind: socketError[1], fields: { event: 'socket-error' } };
  return { notable: false, fields: {} };
}
