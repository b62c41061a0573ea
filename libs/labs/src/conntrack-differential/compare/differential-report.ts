import { TcpFlag } from '@netmortem/domain';
import type { KernelPacketVerdict, KernelSequenceVerdicts } from '../kernel/kernel-verdicts.js';
import type { ModelPacketVerdict } from '../model/model-runner.js';
import type { SegmentSpec, TcpSequence } from '../sequences/segment-sequence.js';

export type DisagreementKind = 'ctinfo' | 'state' | 'nat' | 'timeout';

export interface Disagreement {
  readonly sequenceId: string;
  readonly description: string;
  readonly sysctls: Readonly<Record<string, string>>;
  /** 1-based, as in the reports' tables. */
  readonly packet: number;
  readonly segment: string;
  readonly kinds: readonly DisagreementKind[];
  readonly kernel: KernelPacketVerdict;
  readonly model: ModelPacketVerdict;
  /** The sequence's segments up to this one, for reading the case without the generator. */
  readonly context: readonly string[];
}

export interface AgreementFigure {
  readonly compared: number;
  readonly agreed: number;
}

export interface DifferentialReport {
  readonly kernelRelease: string;
  readonly profile: string;
  readonly sequences: number;
  readonly packets: number;
  /** Packets the router did not log: not compared (a broken run, not a disagreement). */
  readonly missing: number;
  readonly ctinfo: AgreementFigure;
  readonly state: AgreementFigure;
  readonly nat: AgreementFigure;
  readonly timeout: AgreementFigure;
  readonly byFamily: Readonly<Record<string, AgreementFigure>>;
  readonly disagreements: readonly Disagreement[];
}

/** Timers are compared to the second the kernel prints; one second of slack for rounding. */
const TIMEOUT_SLACK_SEC = 1;

/** A one-line picture of a segment: `c2s SA seq=0 ack=1 len=0 win=29200 [note]`. */
export function describeSegment(segment: SegmentSpec): string {
  const names: [number, string][] = [
    [TcpFlag.SYN, 'S'],
    [TcpFlag.FIN, 'F'],
    [TcpFlag.RST, 'R'],
    [TcpFlag.PSH, 'P'],
    [TcpFlag.ACK, 'A'],
  ];
  const flags = names.map(([bit, name]) => ((segment.flags & bit) !== 0 ? name : '')).join('');
  const opts = segment.options;
  const extra = [
    opts.windowScale === undefined ? '' : ` ws=${opts.windowScale}`,
    opts.sackBlocks === undefined
      ? ''
      : ` sack=${opts.sackBlocks.map(([l, r]) => `${l}-${r}`).join(',')}`,
    segment.delayMs > 0 ? ` after ${segment.delayMs} ms` : '',
  ].join('');
  return `${segment.direction} ${flags} seq=${segment.seq} ack=${segment.ack} len=${segment.payloadLength} win=${segment.window}${extra} (${segment.note})`;
}

/** Compares kernel and model packet by packet over a whole run. */
export function compareRuns(
  sequences: readonly TcpSequence[],
  kernel: ReadonlyMap<string, KernelSequenceVerdicts>,
  model: ReadonlyMap<string, readonly ModelPacketVerdict[]>,
  meta: { kernelRelease: string; profile: string },
): DifferentialReport {
  const figure = () => ({ compared: 0, agreed: 0 });
  const totals = { ctinfo: figure(), state: figure(), nat: figure(), timeout: figure() };
  const byFamily: Record<string, { compared: number; agreed: number }> = {};
  const disagreements: Disagreement[] = [];
  let packets = 0;
  let missing = 0;
  for (const sequence of sequences) {
    const k = kernel.get(sequence.id)?.packets ?? [];
    const m = model.get(sequence.id) ?? [];
    const family = (byFamily[sequence.family] ??= figure());
    sequence.segments.forEach((segment, i) => {
      packets += 1;
      const kv = k[i];
      const mv = m[i];
      if (kv === undefined || mv === undefined || kv.ctinfo === 'MISSING') {
        missing += 1;
        return;
      }
      const kinds: DisagreementKind[] = [];
      const sameCtinfo =
        kv.ctinfo === mv.ctinfo &&
        (kv.ctinfo === 'INVALID' || kv.ctinfo === 'UNTRACKED' || kv.direction === mv.direction);
      totals.ctinfo.compared += 1;
      family.compared += 1;
      if (sameCtinfo) {
        totals.ctinfo.agreed += 1;
        family.agreed += 1;
      } else kinds.push('ctinfo');
      if (kv.stateAfter !== undefined) {
        totals.state.compared += 1;
        if (kv.stateAfter === mv.stateAfter) totals.state.agreed += 1;
        else kinds.push('state');
      }
      if (kv.natDestination !== undefined && sequence.nat !== undefined) {
        totals.nat.compared += 1;
        const allowed = (d: { address: string; port: number } | undefined) =>
          d !== undefined &&
          (sequence.nat?.allowed ?? []).some((a) => a.address === d.address && a.port === d.port);
        // Random choices only have to be allowed ones; everything else must be the kernel's.
        const ok = sequence.nat.random
          ? allowed(kv.natDestination) && allowed(mv.natDestination)
          : same(mv.natDestination, kv.natDestination) &&
            (kv.natSource === undefined || same(mv.natSource, kv.natSource));
        if (ok) totals.nat.agreed += 1;
        else kinds.push('nat');
      }
      if (kv.timeoutSec !== undefined && mv.timeoutSec !== undefined) {
        totals.timeout.compared += 1;
        if (Math.abs(kv.timeoutSec - mv.timeoutSec) <= TIMEOUT_SLACK_SEC)
          totals.timeout.agreed += 1;
        else kinds.push('timeout');
      }
      if (kinds.length > 0)
        disagreements.push({
          sequenceId: sequence.id,
          description: sequence.description,
          sysctls: sequence.sysctls,
          packet: i + 1,
          segment: describeSegment(segment),
          kinds,
          kernel: kv,
          model: mv,
          context: sequence.segments
            .slice(0, i + 1)
            .map((s, n) => `${n + 1}. ${describeSegment(s)}`),
        });
    });
  }
  return {
    kernelRelease: meta.kernelRelease,
    profile: meta.profile,
    sequences: sequences.length,
    packets,
    missing,
    ...totals,
    byFamily,
    disagreements,
  };
}

const same = (
  a: { address: string; port: number } | undefined,
  b: { address: string; port: number } | undefined,
) => a?.address === b?.address && a?.port === b?.port;

const pct = (f: AgreementFigure) =>
  f.compared === 0 ? 'n/a' : `${((100 * f.agreed) / f.compared).toFixed(2)}%`;

/** The report for people: figures, then one block per disagreement. */
export function formatReport(report: DifferentialReport, maxDisagreements = 200): string {
  const lines = [
    `conntrack differential: kernel ${report.kernelRelease}, model profile ${report.profile}`,
    `${report.sequences} sequences, ${report.packets} packets (${report.missing} not logged by the router)`,
    `ctinfo+ctdir agreement: ${report.ctinfo.agreed}/${report.ctinfo.compared} (${pct(report.ctinfo)})`,
    `TCP state after:        ${report.state.agreed}/${report.state.compared} (${pct(report.state)})`,
    `NAT destination:        ${report.nat.agreed}/${report.nat.compared} (${pct(report.nat)})`,
    `timer (±1 s):           ${report.timeout.agreed}/${report.timeout.compared} (${pct(report.timeout)})`,
    '',
    'ctinfo agreement by family:',
    ...Object.entries(report.byFamily).map(
      ([family, f]) =>
        `  ${family.padEnd(16)} ${`${f.agreed}/${f.compared}`.padStart(9)}  ${pct(f)}`,
    ),
  ];
  if (report.disagreements.length > 0) {
    lines.push('', `disagreements (${report.disagreements.length}):`);
    for (const d of report.disagreements.slice(0, maxDisagreements)) {
      const k = d.kernel;
      const m = d.model;
      lines.push(
        '',
        `${d.sequenceId} packet ${d.packet} [${d.kinds.join(', ')}]: ${d.description}`,
        `  settings: ${
          Object.entries(d.sysctls)
            .map(([key, v]) => `${key.replace('net.netfilter.nf_conntrack_', '')}=${v}`)
            .join(' ') || 'defaults'
        }`,
        ...(d.context.length > 8 ? ['    …'] : []),
        ...d.context.slice(-8).map((line) => `    ${line}`),
        `  kernel: ${k.ctinfo} ${k.direction ?? ''} state=${k.stateAfter ?? '?'} timer=${k.timeoutSec ?? '?'}s${k.natDestination ? ` to=${k.natDestination.address}:${k.natDestination.port}` : ''}${k.natSource ? ` from=${k.natSource.address}:${k.natSource.port}` : ''}`,
        `  model:  ${m.ctinfo} ${m.direction ?? ''} state=${m.stateAfter ?? '?'} timer=${m.timeoutSec ?? '?'}s${m.natDestination ? ` to=${m.natDestination.address}:${m.natDestination.port}` : ''}${m.natSource ? ` from=${m.natSource.address}:${m.natSource.port}` : ''}${m.dropped ? ` DROPPED (${m.dropped})` : ''}${m.invalidReason ? ` (${m.invalidReason})` : ''}${m.ignored ? ` [ignored: ${m.ignored}]` : ''}`,
      );
    }
    if (report.disagreements.length > maxDisagreements)
      lines.push(`… and ${report.disagreements.length - maxDisagreements} more`);
  }
  return `${lines.join('\n')}\n`;
}
