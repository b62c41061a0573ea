/** Tuning of flow analysis; every time is in microseconds of capture time. */
export interface FlowAnalyzerOptions {
  /** A silence this long inside a flow is reported as an `idle-gap`. Default 30 s. */
  readonly idleGapUs?: number;
  /** An open TCP flow silent this long is finalised and leaves the table. Default 1 h. */
  readonly tcpIdleTimeoutUs?: number;
  /** A closed TCP flow (RST, or both FINs acknowledged) stays this long for stragglers. Default 5 s. */
  readonly closedLingerUs?: number;
  /** A UDP flow silent this long is finalised. Default 120 s (conntrack's stream timeout). */
  readonly udpIdleTimeoutUs?: number;
  /** At most this many flows in the table; the least recently active is finalised first. Default 65536. */
  readonly maxActiveFlows?: number;
  /** Anomalies listed per flow (all are counted). Default 64. */
  readonly maxAnomaliesPerFlow?: number;
  /** Anomalies of one kind listed per flow, so a bulk of one kind cannot hide the rest. Default 8. */
  readonly maxAnomaliesPerKind?: number;
  /** A segment filling a hole within this time of the hole's appearance is out-of-order, not a retransmission. Default 3 ms (or the handshake RTT when larger). */
  readonly outOfOrderUs?: number;
  /** Packets kept per flow for correlation: the first N and the last N. Default 0 (off). */
  readonly tracePackets?: number;
}

export interface ResolvedFlowOptions {
  readonly idleGapUs: number;
  readonly tcpIdleTimeoutUs: number;
  readonly closedLingerUs: number;
  readonly udpIdleTimeoutUs: number;
  readonly maxActiveFlows: number;
  readonly maxAnomaliesPerFlow: number;
  readonly maxAnomaliesPerKind: number;
  readonly outOfOrderUs: number;
  readonly tracePackets: number;
}

const SECOND = 1_000_000;

export function resolveFlowOptions(options: FlowAnalyzerOptions = {}): ResolvedFlowOptions {
  return {
    idleGapUs: options.idleGapUs ?? 30 * SECOND,
    tcpIdleTimeoutUs: options.tcpIdleTimeoutUs ?? 3600 * SECOND,
    closedLingerUs: options.closedLingerUs ?? 5 * SECOND,
    udpIdleTimeoutUs: options.udpIdleTimeoutUs ?? 120 * SECOND,
    maxActiveFlows: Math.max(16, options.maxActiveFlows ?? 65_536),
    maxAnomaliesPerFlow: options.maxAnomaliesPerFlow ?? 64,
    maxAnomaliesPerKind: options.maxAnomaliesPerKind ?? 8,
    outOfOrderUs: options.outOfOrderUs ?? 3000,
    tracePackets: Math.max(0, Math.min(options.tracePackets ?? 0, 1024)),
  };
}
