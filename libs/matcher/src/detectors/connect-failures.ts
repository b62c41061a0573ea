import type { Flow, FlowAnomaly, LogErrorKind, LogEvent } from '@netmortem/domain';
import type { HostSettings } from '../context/host-settings.js';
import type { MatchContext } from '../context/match-context.js';
import { endpointText, pointerAt } from '../context/pointers.js';
import type { EvidencePointer, FlowRef } from '../report/analysis-report.js';
import { anomalies } from './flow-signals.js';

/**
 * A connection attempt in a capture that did not go smoothly: SYNs repeated, never answered,
 * or a SYN-ACK repeated because the server did not take the client's ACK. Several causes
 * (a full conntrack table, an insert clash, a full accept queue) drop exactly these packets;
 * the detectors tell them apart by counters, logs and timing.
 */
export interface ConnectAttempt {
  readonly flow: Flow;
  /** The client's SYN retransmissions, in order. */
  readonly synRetries: readonly FlowAnomaly[];
  /** The server's SYN-ACK retransmissions, in order. */
  readonly synAckRetries: readonly FlowAnomaly[];
  /** Present when no SYN-ACK (nor RST) ever came back. */
  readonly unanswered?: FlowAnomaly;
  readonly completed: boolean;
}

/**
 * A detector weighs at most this many failed connects: the earliest tell the story, the rest
 * only repeat it, and each one costs a look across the bundle's flows.
 */
export const MAX_WEIGHED_ATTEMPTS = 200;

export function troubledConnects(context: MatchContext): ConnectAttempt[] {
  const out: ConnectAttempt[] = [];
  for (const flow of context.tcpFlows) {
    if (flow.handshake.synPacket === undefined) continue;
    const retries = anomalies(flow, 'syn-retransmission');
    const synRetries = retries.filter((a) => a.direction === 'client-to-server');
    const synAckRetries = retries.filter((a) => a.direction === 'server-to-client');
    const unanswered = anomalies(flow, 'unanswered-syn')[0];
    if (synRetries.length === 0 && synAckRetries.length === 0 && !unanswered) continue;
    out.push({
      flow,
      synRetries,
      synAckRetries,
      ...(unanswered ? { unanswered } : {}),
      completed: flow.handshake.complete,
    });
  }
  return out;
}

/**
 * The gaps Linux leaves between SYN retransmissions: the initial RTO (1 s), not doubled for
 * the first tcp_syn_linear_timeouts retries on kernels that have that setting, doubled after;
 * the connect fails one more gap after the last of tcp_syn_retries.
 */
export function synRetrySchedule(settings: HostSettings): { gaps: number[]; giveUpSec: number } {
  const retries = settings.number('net.ipv4.tcp_syn_retries') ?? 6;
  const linear = settings.number('net.ipv4.tcp_syn_linear_timeouts') ?? 0;
  const gaps: number[] = [];
  for (let i = 1; i <= retries + 1; i++) gaps.push(i <= linear + 1 ? 1 : 2 ** (i - 1 - linear));
  return { gaps: gaps.slice(0, retries), giveUpSec: gaps.reduce((a, b) => a + b, 0) };
}

/**
 * How a repeated SYN compares with the kernel's retry schedule: all retries used (the
 * kernel gave up), or cut short (the application's own connect timeout).
 */
export function synScheduleText(attempt: ConnectAttempt, settings: HostSettings): string {
  const { gaps, giveUpSec } = synRetrySchedule(settings);
  const setting = settings.get('net.ipv4.tcp_syn_retries');
  const source = setting?.observed ? 'configured' : 'kernel default';
  const n = attempt.synRetries.length;
  const spanSec =
    ((attempt.synRetries[n - 1]?.timeUs ?? attempt.flow.firstUs) - attempt.flow.firstUs) / 1e6;
  if (attempt.completed)
    return `${n} SYN retransmission(s) over ${spanSec.toFixed(1)} s before the handshake completed`;
  if (n >= gaps.length)
    return `all ${gaps.length} SYN retries allowed by tcp_syn_retries (${source}) were used over ${spanSec.toFixed(1)} s: the kernel gave up after about ${giveUpSec} s`;
  return `${n} SYN retransmission(s) over ${spanSec.toFixed(1)} s, fewer than tcp_syn_retries = ${gaps.length} (${source}) allows: the application gave up first (its own connect timeout)`;
}

/** Log lines about connects that timed out or failed, naming this flow or no flow at all. */
export function connectFailureLogs(
  context: MatchContext,
  flow?: FlowRef,
  kinds: readonly LogErrorKind[] = CONNECT_FAILURES,
): EvidencePointer[] {
  return connectFailureEvents(context, kinds)
    .filter((e) => !flow || namesNothingElse(e, flow))
    .map((e) => pointerAt(e.locator, `${e.errorKind}: ${e.message.slice(0, 160)}`));
}

const CONNECT_FAILURES: readonly LogErrorKind[] = ['ETIMEDOUT', 'UPSTREAM_CONNECT_FAILURE'];

/** Timeouts and upstream connect failures (or the given kinds) reported by applications and proxies. */
export function connectFailureEvents(
  context: MatchContext,
  kinds: readonly LogErrorKind[] = CONNECT_FAILURES,
): LogEvent[] {
  return context.logs(kinds).filter((e) => e.source !== 'kernel');
}

/** The first failure log that names both ends: the failing flow when no capture shows one. */
export function flowFromLogs(events: readonly LogEvent[]): FlowRef | undefined {
  const named = events.find((e) => e.client !== undefined && e.server !== undefined);
  return named
    ? { client: endpointText(named.client!), server: endpointText(named.server!) }
    : undefined;
}

function namesNothingElse(e: LogEvent, flow: FlowRef): boolean {
  const named = [e.client, e.server].flatMap((x) => (x === undefined ? [] : [endpointText(x)]));
  return named.length === 0 || named.some((n) => n === flow.client || n === flow.server);
}
