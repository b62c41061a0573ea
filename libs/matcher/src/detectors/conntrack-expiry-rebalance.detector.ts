import type { Flow } from '@netmortem/domain';
import { findRenats, tupleEndpoint, type Renat } from '../context/conntrack-history.js';
import type { MatchContext } from '../context/match-context.js';
import { durationText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import { coincidingTimer, describeTimer } from '../context/timer-coincidence.js';
import type { NarrativeStep } from '../report/analysis-report.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector, FailurePacket } from './detector.js';
import { anomalies, flowPackets, flowRef, fromClient, seconds } from './flow-signals.js';
import { resetLogs } from './shared-evidence.js';

const ID = 'conntrack-expiry-rebalance';
const ESTABLISHED = 'net.netfilter.nf_conntrack_tcp_timeout_established';

/**
 * A long-lived flow whose conntrack entry disappeared (timeout or flush) while the connection
 * lived on: its next packet was NATed afresh, possibly to another backend, which answered RST.
 * Seen three ways: conntrack -E (DESTROY then NEW of the same client tuple bound elsewhere),
 * the replay (an entry expired, the flow re-NATed), or a capture (an idle gap at least the
 * established timeout, then the server's RST).
 */
export const conntrackExpiryRebalanceDetector: Detector = {
  rootCause: ID,
  detect(context) {
    const candidates: Candidate[] = [];
    for (const renat of findRenats(context.histories)) candidates.push(fromEvents(context, renat));
    for (const flow of context.tcpFlows) {
      const candidate = fromCapture(context, flow);
      if (candidate) candidates.push(candidate);
    }
    return candidates;
  },
};

function fromEvents(context: MatchContext, renat: Renat): Candidate {
  const w = new Weighing();
  const { destroyed, recreated } = renat;
  const original = renat.history.original;
  const client = tupleEndpoint(original.src, original.srcPort);
  const server = tupleEndpoint(original.dst, original.dstPort);
  w.for(
    'decisive',
    pointerAt(
      recreated.locator,
      `NEW entry for ${client} → ${server} now NATed to ${renat.after} (was ${renat.before})`,
    ),
  );
  const narrative: NarrativeStep[] = [];
  const firstNew = renat.history.events.find((e) => e.type === 'NEW');
  if (firstNew)
    narrative.push({
      time: timeText(firstNew.timeUs),
      text: `${client} → ${server} is NATed to ${renat.before}`,
      evidence: pointerAt(firstNew.locator, 'NEW'),
    });
  const lastBefore = [...renat.history.events]
    .filter((e) => e.type !== 'DESTROY' && (e.timeUs ?? 0) <= (destroyed.timeUs ?? 0))
    .pop();
  let destroyText = `the entry is destroyed`;
  if (destroyed.timeUs !== undefined && lastBefore?.timeUs !== undefined) {
    const idle = seconds(destroyed.timeUs - lastBefore.timeUs);
    // conntrack -E logs state changes, not packets: the entry may have been refreshed after
    // its last event, so a DESTROY at least the timeout later fits the timer, and one sooner
    // cannot be the timer at all.
    const timer = coincidingTimer(idle, [ESTABLISHED], context.settings, true);
    if (timer) {
      const fits =
        timer.relation === 'equals'
          ? `the established timeout ran out (${describeTimer(timer, idle)})`
          : `no sooner than nf_conntrack_tcp_timeout_established (${timer.seconds} s): consistent with the timer running out (packets between events are not logged)`;
      destroyText += ` ${durationText(idle)} after its last event: ${fits}`;
      w.for(
        timer.relation === 'equals' ? 'strong' : 'moderate',
        pointerAt(destroyed.locator, `DESTROY ${durationText(idle)} after the last event: ${fits}`),
      );
      if (timer.pointer) w.for('weak', timer.pointer);
    } else {
      destroyText += ` ${durationText(idle)} after its last event, sooner than its timeout could run out: flushed or evicted (conntrack -F, conntrack -D, a CNI or kube-proxy cleanup)`;
      w.for(
        'moderate',
        pointerAt(destroyed.locator, 'DESTROY while the connection was still open'),
      );
    }
  } else {
    w.for(
      'moderate',
      pointerAt(destroyed.locator, 'DESTROY of the entry while the connection was still open'),
    );
  }
  narrative.push({
    time: timeText(destroyed.timeUs),
    text: destroyText,
    evidence: pointerAt(destroyed.locator, 'DESTROY'),
  });
  narrative.push({
    time: timeText(recreated.timeUs),
    text: `the connection's next packet creates a new entry and is NATed to ${renat.after}, a backend that has never seen the connection`,
    evidence: pointerAt(recreated.locator, 'NEW'),
  });
  // File order is time order (events without -o timestamp carry no time).
  const after = renat.history.events.slice(renat.history.events.indexOf(recreated) + 1);
  const reset = after.find((e) => e.type === 'DESTROY' || e.tcpState === 'CLOSE');
  if (reset) {
    w.for(
      'strong',
      pointerAt(
        reset.locator,
        `the new entry ends at once (${reset.type} ${reset.tcpState ?? ''}): the backend answered RST`,
      ),
    );
    narrative.push({
      time: timeText(reset.timeUs),
      text: `${renat.after} answers RST and the client's connection is reset`,
      evidence: pointerAt(reset.locator, reset.type),
    });
  }
  for (const log of resetLogs(context, undefined, {
    what: `the re-NAT of ${client} to ${renat.after}`,
    ...(recreated.timeUs === undefined ? {} : { timeUs: recreated.timeUs }),
  }).slice(0, 2))
    w.for('weak', log);
  const failure = capturedPacketAfter(context, original.src, original.srcPort, recreated.timeUs);
  return {
    rootCause: ID,
    flow: { client, server, backend: renat.after },
    ...(failure ? { failure } : {}),
    weighing: w,
    summary: `The conntrack entry of ${client} → ${server} was destroyed while the connection was still open; its next packet was NATed afresh to ${renat.after} instead of ${renat.before}, which did not know the connection and reset it.`,
    narrative,
    nextEvidence: [
      'ss -tanoie on the client: the keepalive timer (if any) must fire sooner than nf_conntrack_tcp_timeout_established',
    ],
  };
}

function fromCapture(context: MatchContext, flow: Flow): Candidate | undefined {
  const established = context.settings.number(ESTABLISHED);
  if (established === undefined) return undefined;
  const gaps = anomalies(flow, 'idle-gap');
  const resets = anomalies(flow, 'rst', 'rst-ack').filter(
    (a) => a.direction === 'server-to-client',
  );
  for (const gap of gaps) {
    if (gap.intervalUs === undefined) continue;
    const idle = seconds(gap.intervalUs);
    const timer = coincidingTimer(idle, [ESTABLISHED], context.settings, true);
    if (!timer) continue;
    const reset = resets.find((r) => r.timeUs >= gap.timeUs);
    if (!reset || reset.timeUs - gap.timeUs > 5_000_000) continue;
    const w = new Weighing();
    const gapPacket = gap.locator.packet ?? 0;
    w.for(
      'strong',
      packetPointer(
        flow.capture,
        gapPacket,
        `idle ${durationText(idle)}: ${describeTimer(timer, idle)}`,
      ),
    );
    if (timer.pointer) w.for('weak', timer.pointer);
    const rstPacket = reset.locator.packet ?? 0;
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        rstPacket,
        `the server side resets the connection right after the idle gap: ${reset.note}`,
      ),
    );
    // The replay says whether the packet after the gap found its entry gone and was re-NATed.
    const verdict = context.verdict(flow.capture, gapPacket);
    let backend: string | undefined;
    if (verdict) {
      if (verdict.ctinfo === 'NEW' || verdict.ctinfo === 'INVALID') {
        w.for(
          'strong',
          packetPointer(
            flow.capture,
            gapPacket,
            `replay: the entry had expired; this packet is ${verdict.ctinfo} to conntrack`,
          ),
        );
      }
      if (verdict.nat.translated) {
        backend = tupleEndpoint(verdict.nat.translated.dst, verdict.nat.translated.dstPort);
      }
      const renat = context.replay
        ?.timeline()
        .find((t) => t.kind === 'renatted' && t.packet?.index === gapPacket);
      if (renat) w.for('decisive', packetPointer(flow.capture, gapPacket, renat.note));
    }
    const keepalives = anomalies(flow, 'keepalive');
    if (keepalives.length > 0)
      w.against(
        'moderate',
        packetPointer(
          flow.capture,
          keepalives[0]!.locator.packet ?? 0,
          'TCP keepalives were seen on this flow',
        ),
      );
    for (const log of resetLogs(context, flow, {
      what: `the RST at packet ${rstPacket}`,
      timeUs: reset.timeUs,
    }).slice(0, 2))
      w.for('weak', log);
    return {
      rootCause: ID,
      flow: flowRef(flow, backend),
      weighing: w,
      summary: `${flowRef(flow).client} → ${flowRef(flow).server} stayed idle for ${durationText(idle)}, ${timer.relation === 'equals' ? 'as long as' : 'longer than'} nf_conntrack_tcp_timeout_established (${timer.seconds} s); the next packet found no conntrack entry, was NATed afresh and the connection was reset at packet ${rstPacket}.`,
      narrative: [
        {
          time: timeText(gap.timeUs - gap.intervalUs),
          text: 'the connection goes idle',
          evidence: undefined,
        },
        {
          time: timeText(gap.timeUs - gap.intervalUs + timer.seconds * 1e6),
          text: `its conntrack entry expires (${timer.key.split('.').pop()} = ${timer.seconds} s)`,
        },
        {
          time: timeText(gap.timeUs),
          text: 'the next packet creates a new entry and is NATed again, possibly to another backend',
          evidence: packetPointer(flow.capture, gapPacket, gap.note),
        },
        {
          time: timeText(reset.timeUs),
          text: 'the server side answers RST',
          evidence: packetPointer(flow.capture, rstPacket, reset.note),
        },
      ],
      failure: { capture: flow.capture, index: gapPacket, what: `the RST at packet ${rstPacket}` },
      nextEvidence: [
        'record `conntrack -E -o timestamp` on the node: a DESTROY of this tuple then a NEW bound to another backend confirms it',
      ],
    };
  }
  return undefined;
}

/**
 * The client's first captured packet at or after the entry was re-created: the one a fix
 * (keepalive, a longer timeout) should keep on its old entry. Without event timestamps, the
 * first packet after the flow's longest idle gap.
 */
function capturedPacketAfter(
  context: MatchContext,
  clientIp: string,
  clientPort: number | undefined,
  atUs: number | undefined,
): FailurePacket | undefined {
  for (const flow of context.tcpFlows) {
    if (flow.client.ip !== clientIp || flow.client.port !== clientPort) continue;
    if (atUs !== undefined) {
      const p = flowPackets(context, flow).find(
        (x) => fromClient(flow, x) && x.timeUs >= atUs - 1000,
      );
      if (p)
        return {
          capture: flow.capture,
          index: p.locator.packet ?? 0,
          what: 'the re-NAT of the connection',
        };
    }
    const gap = anomalies(flow, 'idle-gap').sort(
      (a, b) => (b.intervalUs ?? 0) - (a.intervalUs ?? 0),
    )[0];
    if (gap?.locator.packet !== undefined)
      return {
        capture: flow.capture,
        index: gap.locator.packet,
        what: 'the re-NAT of the connection',
      };
  }
  return undefined;
}
