import type { Locator } from '../artifact/locator.js';
import type { Endpoint } from './endpoint.js';

/** Normalised error kinds, whatever the log's language: what the socket saw. */
export const LOG_ERROR_KINDS = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EOF',
  'LOST_CONNECTION',
  'CONNTRACK_TABLE_FULL',
  'CONNTRACK_INVALID',
  'CONNTRACK_INSERT_FAILED',
  'UPSTREAM_RESET',
  'UPSTREAM_CONNECT_FAILURE',
  'DOWNSTREAM_RESET',
  'IDLE_TIMEOUT',
] as const;

export type LogErrorKind = (typeof LOG_ERROR_KINDS)[number];

/** A line of a kernel, proxy or application log that matters to a connection. */
export interface LogEvent {
  readonly locator: Locator;
  readonly source: 'kernel' | 'envoy-access' | 'envoy-debug' | 'app';
  /** Microseconds since the epoch when the line carries an absolute time. */
  readonly timeUs?: number;
  /** Seconds since boot, for dmesg lines that only have that. */
  readonly uptimeSec?: number;
  readonly level?: string;
  readonly errorKind?: LogErrorKind;
  /** Envoy response flags (UC, UF, URX, UT, DC, …). */
  readonly responseFlags?: readonly string[];
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  readonly message: string;
  /** Further structured fields (status, duration, upstream host, connection id, …). */
  readonly fields?: Readonly<Record<string, string | number>>;
}

/** One system call from `strace -f -tt`. */
export interface SyscallEvent {
  readonly locator: Locator;
  readonly timeUs?: number;
  readonly pid?: number;
  readonly name: string;
  readonly args: string;
  readonly result: string;
  /** e.g. ECONNRESET, EINPROGRESS. */
  readonly errno?: string;
  readonly fd?: number;
  readonly address?: Endpoint;
  readonly durationUs?: number;
}
