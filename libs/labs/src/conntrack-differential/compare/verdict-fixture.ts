import type { CtDirection, CtInfo, TcpConntrackState } from '@netmortem/simulator';
import type { KernelPacketVerdict, KernelRun } from '../kernel/kernel-verdicts.js';

/**
 * The kernel's verdicts as a fixture: one compact row per packet so the file stays small and
 * readable after formatting, and a unit spec can hold the model against the kernel on a
 * machine that cannot run the lab.
 */
export interface VerdictFixture {
  readonly kernelRelease: string;
  readonly createdAt: string;
  readonly method: string;
  readonly suiteSeed: number;
  readonly baseSysctls: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
  readonly notes?: readonly string[];
  readonly columns: readonly string[];
  /** Per sequence id: one row per packet, in the order of `columns`. */
  readonly sequences: Readonly<Record<string, readonly FixtureRow[]>>;
}

type FixtureRow = readonly [
  string,
  string,
  string,
  number | null,
  string,
  string,
  number,
  number | null,
];

export const FIXTURE_COLUMNS = [
  'ctinfo',
  'direction',
  'stateAfter',
  'timeoutSec',
  'natDestination',
  'natSource',
  'sentUs',
  'loggedUs',
];

const endpoint = (e: { address: string; port: number } | undefined) =>
  e === undefined ? '' : `${e.address} ${e.port}`;
const parseEndpoint = (text: string) => {
  const [address, port] = text.split(' ');
  return address === undefined || address === '' ? undefined : { address, port: Number(port) };
};

export function toFixture(run: KernelRun): VerdictFixture {
  const sequences: Record<string, FixtureRow[]> = {};
  for (const s of run.sequences)
    sequences[s.sequenceId] = s.packets.map((p) => [
      p.ctinfo,
      p.direction ?? '',
      p.stateAfter ?? '',
      p.timeoutSec ?? null,
      endpoint(p.natDestination),
      endpoint(p.natSource),
      p.sentUs,
      p.loggedUs ?? null,
    ]);
  return {
    kernelRelease: run.kernelRelease,
    createdAt: run.createdAt,
    method: run.method,
    suiteSeed: run.suiteSeed,
    baseSysctls: run.baseSysctls,
    warnings: run.warnings,
    notes: run.notes ?? [],
    columns: FIXTURE_COLUMNS,
    sequences,
  };
}

export function fromFixture(fixture: VerdictFixture): KernelRun {
  return {
    kernelRelease: fixture.kernelRelease,
    createdAt: fixture.createdAt,
    method: fixture.method,
    suiteSeed: fixture.suiteSeed,
    baseSysctls: fixture.baseSysctls,
    warnings: fixture.warnings,
    notes: fixture.notes ?? [],
    sequences: Object.entries(fixture.sequences).map(([sequenceId, rows]) => ({
      sequenceId,
      packets: rows.map(
        (
          [ctinfo, direction, state, timeoutSec, dst, src, sentUs, loggedUs],
          index,
        ): KernelPacketVerdict => {
          const natDestination = parseEndpoint(dst);
          const natSource = parseEndpoint(src);
          return {
            index,
            ctinfo: ctinfo as CtInfo | 'MISSING',
            ...(direction === '' ? {} : { direction: direction as CtDirection }),
            ...(state === '' ? {} : { stateAfter: state as TcpConntrackState }),
            ...(timeoutSec === null ? {} : { timeoutSec }),
            ...(natDestination === undefined ? {} : { natDestination }),
            ...(natSource === undefined ? {} : { natSource }),
            sentUs,
            ...(loggedUs === null ? {} : { loggedUs }),
          };
        },
      ),
    })),
  };
}
