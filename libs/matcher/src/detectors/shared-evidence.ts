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

/** Log lines about resets that name this flow's client or server, or name no endpoint at all. */
export function resetLogs(context: MatchContext, flow?: Flow): EvidencePointer[] {
  const out: EvidencePointer[] = [];
  const endpoints = flow
    ? new Set([endpointText(flow.client), endpointText(flow.server)])
    : undefined;
  for (const e of context.logs([
    'ECONNRESET',
    'UPSTREAM_RESET',
    'DOWNSTREAM_RESET',
    'LOST_CONNECTION',
    'EOF',
  ])) {
    const named = [e.client, e.server].filter((x) => x !== undefined).map((x) => endpointText(x));
    if (endpoints && named.length > 0 && !named.some((n) => endpoints.has(n))) continue;
    const flags = e.responseFlags?.length ? ` [${e.responseFlags.join(',')}]` : '';
    out.push(pointerAt(e.locator, `${e.errorKind}${flags}: ${e.message.slice(0, 160)}`));
  }
  return out;
}
