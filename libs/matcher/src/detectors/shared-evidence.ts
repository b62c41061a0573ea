import type { Flow } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { endpointText, pointerAt } from '../context/pointers.js';
import type { EvidencePointer } from '../report/analysis-report.js';
import type { WeightName } from '../scoring/weighing.js';

export interface SidedPointer {
  readonly side: 'for' | 'against';
  readonly weight: WeightName;
  readonly pointer: EvidencePointer;
}

/**
 * What the host's settings say about INVALID packets getting through: be_liberal=1 means
 * out-of-window segments are not INVALID at all; a DROP of INVALID packets stops them before
 * NAT is skipped. Either speaks against the mechanism; their absence is only weak support.
 */
export function invalidSettingsEvidence(context: MatchContext): SidedPointer[] {
  const out: SidedPointer[] = [];
  const liberal = context.settings.get('net.netfilter.nf_conntrack_tcp_be_liberal');
  if (liberal?.observed && liberal.pointer) {
    out.push(
      liberal.value === '0'
        ? {
            side: 'for',
            weight: 'weak',
            pointer: {
              ...liberal.pointer,
              note: `${liberal.pointer.note}: out-of-window segments are INVALID`,
            },
          }
        : {
            side: 'against',
            weight: 'strong',
            pointer: {
              ...liberal.pointer,
              note: `${liberal.pointer.note}: conntrack does not mark out-of-window segments INVALID`,
            },
          },
    );
  }
  const drop = context.rules.invalidDrops[0];
  if (drop) {
    out.push({
      side: 'against',
      weight: 'moderate',
      pointer: { ...drop.pointer, note: `INVALID packets are dropped: ${drop.pointer.note}` },
    });
  } else if (context.rules.present) {
    const ruleset = context.evidence.rulesets[0]!;
    out.push({
      side: 'for',
      weight: 'weak',
      pointer: {
        artifact: ruleset.locator.artifact,
        locator: '',
        note: 'no rule drops ctstate INVALID packets',
      },
    });
  }
  return out;
}

/** Envoy response flags, in words: what the proxy saw happen to the connection. */
const ENVOY_FLAGS: Readonly<Record<string, string>> = {
  UC: 'upstream connection terminated',
  UF: 'upstream connection failed',
  URX: 'upstream retries exhausted',
  UR: 'upstream reset',
  UH: 'no healthy upstream',
  UT: 'upstream request timeout',
  UO: 'upstream overflow (circuit breaker)',
  DC: 'downstream connection terminated',
  DPE: 'downstream protocol error',
  UPE: 'upstream protocol error',
  SI: 'stream idle timeout',
  LR: 'reset locally',
};

/** What the failure the detector found did, so a proxy's log line can be tied to it. */
export interface FailureCause {
  /** e.g. "the RST at packet 11", "the DESTROY at conntrack-events.txt:14". */
  readonly what: string;
  readonly timeUs?: number;
}

/**
 * Log lines about resets that name this flow's client or server (or no endpoint at all). An
 * Envoy access-log line with response flags is tied to the failure when its time allows: the
 * flag is the proxy's view of the same packet (UC after a backend RST, DC after the client's).
 */
export function resetLogs(
  context: MatchContext,
  flow?: Flow,
  cause?: FailureCause,
): EvidencePointer[] {
  const out: EvidencePointer[] = [];
  const endpoints = flow
    ? new Set([endpointText(flow.client), endpointText(flow.server)])
    : undefined;
  for (const e of context.logs([
    'ECONNRESET',
    'UPSTREAM_RESET',
    'UPSTREAM_CONNECT_FAILURE',
    'DOWNSTREAM_RESET',
    'LOST_CONNECTION',
    'EOF',
  ])) {
    const named = [e.client, e.server].filter((x) => x !== undefined).map((x) => endpointText(x));
    if (endpoints && named.length > 0 && !named.some((n) => endpoints.has(n))) continue;
    const flags = e.responseFlags ?? [];
    if (flags.length > 0) {
      const words = flags.map((f) => `${f} (${ENVOY_FLAGS[f] ?? 'see Envoy docs'})`).join(', ');
      // An access-log line is written when the stream ends: at or after the failure.
      const tied =
        cause &&
        (cause.timeUs === undefined ||
          e.timeUs === undefined ||
          (e.timeUs >= cause.timeUs - 2_000_000 && e.timeUs <= cause.timeUs + 120_000_000));
      out.push(
        pointerAt(
          e.locator,
          tied
            ? `Envoy ${words}: the proxy's record of ${cause.what}`
            : `Envoy ${words}: ${e.message.slice(0, 120)}`,
        ),
      );
      continue;
    }
    out.push(pointerAt(e.locator, `${e.errorKind}: ${e.message.slice(0, 160)}`));
  }
  return out;
}
