import type { Flow } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { durationText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import { coincidingTimer, describeTimer } from '../context/timer-coincidence.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector } from './detector.js';
import { anomalies, eachTcpFlow, flowRef, seconds } from './flow-signals.js';

const ID = 'stateful-fw-halfclose-drop';

/** The conntrack timers a half-closed flow lives under, shortest-lived states last. */
const HALF_CLOSED_TIMERS = [
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_fin_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_last_ack',
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_close',
];

/**
 * A half-closed flow keeps sending after its conntrack entry moved to a short-lived state and
 * expired; a stateful filter (ESTABLISHED,RELATED accept, then REJECT or DROP) no longer
 * recognises it and answers with an ICMP error or silence.
 */
export const statefulFwHalfcloseDropDetector: Detector = {
  rootCause: ID,
  detect(context) {
    return eachTcpFlow(context, fromCapture);
  },
};

function fromCapture(context: MatchContext, flow: Flow): Candidate | undefined {
  // The first FIN of either side starts the half-close (and conntrack's shorter timers).
  const fins = flow.close.events
    .filter((e) => e.flag === 'FIN')
    .sort((a, b) => a.timeUs - b.timeUs);
  const halfClose = anomalies(flow, 'half-close')[0];
  const fin = fins[0];
  const closedAt = fin?.timeUs ?? halfClose?.timeUs;
  if (closedAt === undefined) return undefined;
  const afterClose = (t: number) => t > closedAt;
  const icmp = anomalies(flow, 'icmp-error').filter((a) => afterClose(a.timeUs));
  const retrans = anomalies(flow, 'retransmission').filter((a) => afterClose(a.timeUs));
  // Both sides closed cleanly before the trouble: not a half-close stall.
  if (icmp.length === 0 && retrans.length < 2) return undefined;

  const w = new Weighing();
  const finPacket = fin?.packet ?? halfClose?.locator.packet ?? 0;
  w.for(
    'moderate',
    packetPointer(
      flow.capture,
      finPacket,
      'the flow is half-closed here; its conntrack entry moves to a short-lived state',
    ),
  );
  const firstBlocked = icmp[0] ?? retrans[0]!;
  const blockedPacket = firstBlocked.locator.packet ?? 0;
  if (icmp[0]) {
    w.for(
      'strong',
      packetPointer(
        flow.capture,
        blockedPacket,
        `an ICMP error answers the half-closed flow's packet: ${icmp[0].note}`,
      ),
    );
  } else {
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        blockedPacket,
        `${retrans.length} retransmissions after the half-close get no answer`,
      ),
    );
  }
  const waited = seconds(firstBlocked.timeUs - closedAt);
  const timer = coincidingTimer(waited, HALF_CLOSED_TIMERS, context.settings, true);
  if (timer) {
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        blockedPacket,
        `${describeTimer(timer, waited)}: the entry had expired`,
      ),
    );
    if (timer.pointer) w.for('weak', timer.pointer);
  }
  const reject = context.rules.statefulRejects[0];
  if (reject)
    w.for('moderate', {
      ...reject.pointer,
      note: `stateful filter: what conntrack no longer knows is ${reject.rule.target?.name}ed: ${reject.pointer.note}`,
    });
  else if (context.rules.present)
    w.against('moderate', {
      artifact: context.evidence.rulesets[0]!.locator.artifact,
      locator: '',
      note: 'no filter rule rejects packets that are not ESTABLISHED/RELATED',
    });

  // The packet the ICMP error (or the silence) answered: the replay names the rule.
  const related = firstBlocked.relatedPacket;
  const verdict = related === undefined ? undefined : context.verdict(flow.capture, related);
  if (verdict && (verdict.filter.verdict === 'REJECT' || verdict.filter.verdict === 'DROP')) {
    w.for(
      'decisive',
      packetPointer(
        flow.capture,
        related!,
        `replay: conntrack says ${verdict.ctinfo ?? 'untracked'}, and ${verdict.filter.rule ?? verdict.filter.chain ?? 'the filter'} ${verdict.filter.verdict}s it`,
      ),
    );
  }
  for (const timeout of context.logs(['ETIMEDOUT', 'EHOSTUNREACH', 'ECONNREFUSED']).slice(0, 1))
    w.for(
      'weak',
      pointerAt(timeout.locator, `${timeout.errorKind}: ${timeout.message.slice(0, 160)}`),
    );
  return {
    rootCause: ID,
    flow: flowRef(flow),
    weighing: w,
    summary: `${flowRef(flow).client} → ${flowRef(flow).server} was half-closed at packet ${finPacket}; ${durationText(waited)} later its packets ${icmp[0] ? 'drew an ICMP error' : 'went unanswered'}: the conntrack entry had left ESTABLISHED and expired, so a stateful filter rule no longer let the flow through.`,
    narrative: [
      {
        time: timeText(closedAt),
        text: 'one side sends FIN; the other keeps the connection open (half-close)',
        evidence: packetPointer(flow.capture, finPacket, 'FIN'),
      },
      ...(timer
        ? [
            {
              time: timeText(closedAt + timer.seconds * 1e6),
              text: `conntrack's ${timer.key.split('_timeout_').pop()} timer (${timer.seconds} s) can expire the entry`,
            },
          ]
        : []),
      {
        time: timeText(firstBlocked.timeUs),
        text: icmp[0]
          ? `the filter rejects the flow's next packet: ${icmp[0].note}`
          : 'the flow stalls: packets are retransmitted and never answered',
        evidence: packetPointer(flow.capture, blockedPacket, firstBlocked.note),
      },
    ],
    failure: {
      capture: flow.capture,
      index: related ?? blockedPacket,
      what: icmp[0] ? 'the ICMP error' : 'the drop',
    },
    nextEvidence: [
      'record `conntrack -E -o timestamp` during the transfer: the entry DESTROY between the FIN and the rejected packet confirms the timer',
      'iptables-save from the host that sent the ICMP error (or dropped the packets)',
    ],
  };
}
