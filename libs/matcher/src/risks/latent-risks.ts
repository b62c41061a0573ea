import type { MatchContext } from '../context/match-context.js';
import type { EvidencePointer, Risk } from '../report/analysis-report.js';

/**
 * Preconditions of catalogued causes found on a host whatever its traffic showed: each is a
 * risk, never a finding. A check speaks only from what the bundle shows (no guessing from
 * defaults when the bundle lacks sysctls, except where the kernel default is itself the risk
 * and the bundle's rules make the cause reachable).
 */
export function latentRisks(context: MatchContext): Risk[] {
  const risks: Risk[] = [];
  const { settings, rules } = context;

  const liberal = settings.get('net.netfilter.nf_conntrack_tcp_be_liberal');
  if (
    rules.destinationNat.length > 0 &&
    liberal?.value === '0' &&
    rules.invalidDrops.length === 0
  ) {
    const evidence: EvidencePointer[] = [
      {
        ...rules.destinationNat[0]!.pointer,
        note: `NAT that INVALID packets would skip: ${rules.destinationNat[0]!.pointer.note}`,
      },
    ];
    if (liberal.pointer) evidence.push(liberal.pointer);
    risks.push({
      rootCause: 'ct-invalid-not-natted-rst',
      id: 'invalid-not-dropped',
      summary: `nf_conntrack_tcp_be_liberal=0${liberal.observed ? '' : ' (kernel default)'} and no rule drops ctstate INVALID packets, while ${rules.destinationNat.length} DNAT/REDIRECT rule(s) exist: an out-of-window segment would skip NAT and can draw a RST from the real destination.`,
      evidence,
      advice:
        'add `iptables -t mangle -I PREROUTING -m conntrack --ctstate INVALID -j DROP` (Istio: INVALID_DROP) or set nf_conntrack_tcp_be_liberal=1',
    });
  }

  const established = settings.number('net.netfilter.nf_conntrack_tcp_timeout_established');
  const keepalive = settings.number('net.ipv4.tcp_keepalive_time');
  const keepaliveSetting = settings.get('net.ipv4.tcp_keepalive_time');
  const establishedSetting = settings.get('net.netfilter.nf_conntrack_tcp_timeout_established');
  if (
    established !== undefined &&
    keepalive !== undefined &&
    keepalive >= established &&
    (establishedSetting?.observed || keepaliveSetting?.observed) &&
    (rules.destinationNat.length > 0 || rules.sourceNat.length > 0)
  ) {
    risks.push({
      rootCause: 'conntrack-expiry-rebalance',
      id: 'keepalive-longer-than-conntrack',
      summary: `tcp_keepalive_time (${keepalive} s) is not shorter than nf_conntrack_tcp_timeout_established (${established} s) on a NATing host: an idle connection's entry can expire before a keepalive refreshes it.`,
      evidence: [establishedSetting?.pointer, keepaliveSetting?.pointer].filter(
        (p): p is EvidencePointer => p !== undefined,
      ),
      advice:
        'keepalive below the conntrack timeout (e.g. tcp_keepalive_time=600) on the clients, or raise nf_conntrack_tcp_timeout_established',
    });
  }

  const max = settings.number('net.netfilter.nf_conntrack_max');
  const count =
    settings.number('net.netfilter.nf_conntrack_count') ??
    context.evidence.conntrackStats[0]?.entries;
  if (max !== undefined && count !== undefined && max > 0 && count / max >= 0.8) {
    const maxSetting = settings.get('net.netfilter.nf_conntrack_max');
    risks.push({
      rootCause: 'conntrack-table-full',
      id: 'conntrack-near-max',
      summary: `the conntrack table holds ${count} of ${max} entries (${Math.round((100 * count) / max)} %): a burst will make the kernel drop new flows.`,
      evidence: maxSetting?.pointer ? [maxSetting.pointer] : [],
      advice:
        'raise nf_conntrack_max (and nf_conntrack_buckets) or shorten the timeouts that keep dead entries',
    });
  }

  if (rules.sourceNat.length > 0 && !rules.sourceNatFullyRandom) {
    const r = rules.sourceNat.find((n) => n.rule.target?.options['random-fully'] === undefined)!;
    const insertFailed = context.conntrackStat('insert_failed');
    if (!insertFailed || insertFailed.value === 0) {
      risks.push({
        rootCause: 'snat-port-collision',
        id: 'snat-not-fully-random',
        summary:
          'source NAT without --random-fully: concurrent connections from different hosts can race for the same source port.',
        evidence: [{ ...r.pointer, note: `no --random-fully: ${r.pointer.note}` }],
        advice: 'add --random-fully to MASQUERADE/SNAT rules (kube-proxy and most CNIs can set it)',
      });
    }
  }

  const finWait2 = context.evidence.sockets.filter(
    (s) => s.state === 'FIN-WAIT-2' && s.processes?.length,
  );
  if (finWait2.length > 0 && finWait2.length < 10) {
    risks.push({
      rootCause: 'sidecar-halfclose-leak',
      id: 'fin-wait-2-held',
      summary: `${finWait2.length} socket(s) held open in FIN-WAIT-2 by a process: if the peer's FIN was lost to conntrack, they wait for the application's idle timeout.`,
      evidence: finWait2.slice(0, 3).map((s) => ({
        artifact: s.locator.artifact,
        locator: s.locator.line === undefined ? '' : `line ${s.locator.line}`,
        note: `FIN-WAIT-2 ${s.local.ip}:${s.local.port} held by ${s.processes?.[0]?.name ?? '?'}`,
      })),
      advice:
        'watch their age: FIN-WAIT-2 sockets older than nf_conntrack_tcp_timeout_close_wait point to the half-close leak',
    });
  }
  return risks;
}
