import type { Flow, FlowAnomaly, Packet } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { packetPointer, timeText } from '../context/pointers.js';
import type { NarrativeStep } from '../report/analysis-report.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector } from './detector.js';
import { anomalies, flowPackets, flowRef, fromClient, isBareRst } from './flow-signals.js';
import { resetLogs, invalidSettingsEvidence } from './shared-evidence.js';

const ID = 'ct-invalid-not-natted-rst';

/**
 * A reset whose trigger the simulator judged INVALID: the segment skipped NAT and met a socket
 * (usually the application's own listener) that did not know the connection. The healthy
 * answer to an out-of-window segment is a (challenge) ACK from the connection's own socket, so
 * a bare RST to it means the packet went somewhere else.
 */
export const ctInvalidNotNattedRstDetector: Detector = {
  rootCause: ID,
  detect(context) {
    const candidates: Candidate[] = [];
    if (context.replay) {
      for (const flow of context.tcpFlows) {
        const candidate = fromReplay(context, flow);
        if (candidate) candidates.push(candidate);
      }
    }
    if (candidates.length === 0 && context.packets.length === 0) {
      const partial = fromCountersAndLogs(context);
      if (partial) candidates.push(partial);
    }
    return candidates;
  },
};

function fromReplay(context: MatchContext, flow: Flow): Candidate | undefined {
  const resets = anomalies(flow, 'rst', 'rst-ack').filter(
    (a) => a.direction === 'server-to-client',
  );
  for (const reset of resets) {
    const rstIndex = reset.locator.packet;
    if (rstIndex === undefined) continue;
    const rst = context.packet(flow.capture, rstIndex);
    const trigger = triggerOf(context, flow, reset, rst);
    if (!trigger) continue;
    const triggerIndex = trigger.locator.packet ?? 0;
    const verdict = context.verdict(flow.capture, triggerIndex);
    if (verdict?.ctinfo !== 'INVALID') continue;
    // Out of window means out of a tracked connection's window: with no entry at all the
    // packet is a stray (a late FIN after expiry, a half-NATed view), another cause.
    if (!trackedBefore(context, flow, trigger)) continue;

    const w = new Weighing();
    const narrative: NarrativeStep[] = [];
    const notes: string[] = [];
    const handshake = flow.handshake.synPacket;
    if (flow.handshake.complete && handshake !== undefined) {
      narrative.push({
        time: timeText(flow.firstUs),
        text: `${flowRef(flow).client} connects to ${flowRef(flow).server}`,
        evidence: packetPointer(flow.capture, handshake, 'SYN'),
      });
    }
    const reason = verdict.invalidReason ?? 'judged INVALID by window tracking';
    w.for(
      'strong',
      packetPointer(
        flow.capture,
        triggerIndex,
        `conntrack (simulated) marks it INVALID: ${reason}`,
      ),
    );
    narrative.push({
      time: verdict.time,
      text: `the client's segment is outside the window conntrack tracks: INVALID (${reason})`,
      evidence: packetPointer(flow.capture, triggerIndex, verdict.summary),
    });
    // NAT skipped only matters where a NAT would have applied: the flow's earlier packets
    // were translated, or a DNAT/REDIRECT rule covers its port.
    const natted = wasNatted(context, flow, trigger);
    const nat = context.rules.natForPort(flow.server.port);
    if (verdict.nat.skippedBecause !== undefined && (natted || nat.length > 0)) {
      w.for(
        'decisive',
        packetPointer(flow.capture, triggerIndex, `NAT skipped: ${verdict.nat.skippedBecause}`),
      );
      narrative.push({
        time: verdict.time,
        text: `so the nat table never sees it: ${verdict.nat.skippedBecause}${verdict.delivery ? `; it reaches ${verdict.delivery.socket}` : ''}`,
      });
    } else if (nat[0]) {
      w.for('moderate', {
        ...nat[0].pointer,
        note: `INVALID packets skip this rule: ${nat[0].pointer.note}`,
      });
    } else if (!context.rules.present) {
      notes.push(
        'the bundle has no ruleset: that a DNAT or REDIRECT was skipped is inferred from the bare RST, not seen',
      );
    }
    if (isBareRst(rst)) {
      w.for(
        'strong',
        packetPointer(
          flow.capture,
          rstIndex,
          'bare RST (no ACK flag) answering it: a socket that knew the connection would have sent an ACK',
        ),
      );
    } else {
      w.for('moderate', packetPointer(flow.capture, rstIndex, 'RST answering it'));
    }
    narrative.push({
      time: timeText(reset.timeUs),
      text: `a socket that does not know the connection answers with a RST, which kills the client's connection`,
      evidence: packetPointer(flow.capture, rstIndex, reset.note),
    });
    for (const p of invalidSettingsEvidence(context)) w[p.side](p.weight, p.pointer);
    for (const log of resetLogs(context, flow, {
      what: `the RST at packet ${rstIndex}`,
      timeUs: reset.timeUs,
    }).slice(0, 2))
      w.for('weak', log);
    return {
      rootCause: ID,
      flow: flowRef(flow),
      weighing: w,
      summary: `Packet ${triggerIndex} of ${flow.capture} (${flowRef(flow).client} → ${flowRef(flow).server}) was out of conntrack's window and judged INVALID; INVALID packets skip NAT, so it reached a socket that did not know the connection, and the RST at packet ${rstIndex} reset the client's connection.`,
      narrative,
      notes,
      failure: {
        capture: flow.capture,
        index: triggerIndex,
        what: `the RST at packet ${rstIndex}`,
      },
      nextEvidence: [
        'run `conntrack -S` before and after a reset: the `invalid` counter should rise with each one',
        'capture on the node and inside the pod at once, so the un-NATed segment and the listener’s RST are both seen',
      ],
    };
  }
  return undefined;
}

/** The client segment a server RST answers: the one the flow analysis names, or the last one whose ACK the RST's sequence number echoes. */
function triggerOf(
  context: MatchContext,
  flow: Flow,
  reset: FlowAnomaly,
  rst: Packet | undefined,
): Packet | undefined {
  if (reset.relatedPacket !== undefined) {
    const related = context.packet(flow.capture, reset.relatedPacket);
    if (related && fromClient(flow, related)) return related;
  }
  if (!rst?.tcp) return undefined;
  let found: Packet | undefined;
  for (const p of flowPackets(context, flow)) {
    if ((p.locator.packet ?? 0) >= (rst.locator.packet ?? 0)) break;
    if (fromClient(flow, p) && p.tcp && p.tcp.ack === rst.tcp.seq) found = p;
  }
  return found;
}

/** No capture: counters, rules and logs can make the cause plausible, never proven. */
function fromCountersAndLogs(context: MatchContext): Candidate | undefined {
  const invalid = context.conntrackStat('invalid');
  const resets = context.logs(['ECONNRESET', 'UPSTREAM_RESET', 'DOWNSTREAM_RESET']);
  const nat = context.rules.destinationNat;
  if (!invalid || invalid.value === 0 || resets.length === 0 || nat.length === 0) return undefined;
  const w = new Weighing(-3);
  w.for('moderate', {
    artifact: invalid.artifact,
    locator: '',
    note: `conntrack counted ${invalid.value} INVALID packets`,
  });
  w.for('weak', { ...nat[0]!.pointer, note: `INVALID packets skip ${nat[0]!.pointer.note}` });
  for (const r of resets.slice(0, 2))
    w.for('weak', {
      artifact: r.locator.artifact,
      locator: r.locator.line === undefined ? '' : `line ${r.locator.line}`,
      note: r.message.slice(0, 160),
    });
  for (const p of invalidSettingsEvidence(context)) w[p.side](p.weight, p.pointer);
  return {
    rootCause: ID,
    weighing: w,
    summary:
      'Connections are reset while conntrack counts INVALID packets and a NAT rule would be skipped by them; without a capture the reset cannot be tied to an INVALID packet.',
    narrative: [],
    nextEvidence: [
      'capture (tcpdump) on the pod or node during the next reset: an out-of-window segment followed by a bare RST from the service port proves it',
    ],
  };
}

/**
 * Whether the flow had a live conntrack entry just before the trigger: the replay attaches no
 * entry to an INVALID packet (the kernel does not either), so the flow's previous packet says.
 */
function trackedBefore(context: MatchContext, flow: Flow, trigger: Packet): boolean {
  const index = trigger.locator.packet ?? 0;
  const earlier = flowPackets(context, flow).filter((p) => (p.locator.packet ?? 0) < index);
  for (let i = earlier.length - 1; i >= 0; i--) {
    const v = context.verdict(flow.capture, earlier[i]!.locator.packet ?? 0);
    if (v && v.path !== 'duplicate') return v.ctStateAfter !== null && v.ctinfo !== 'INVALID';
  }
  return false;
}

/** Whether the replay translated any earlier packet of the flow. */
function wasNatted(context: MatchContext, flow: Flow, trigger: Packet): boolean {
  const index = trigger.locator.packet ?? 0;
  return flowPackets(context, flow).some(
    (p) =>
      (p.locator.packet ?? 0) < index &&
      context.verdict(flow.capture, p.locator.packet ?? 0)?.nat.applied === true,
  );
}
