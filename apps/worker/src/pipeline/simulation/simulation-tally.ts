import type { PacketVerdict, TimelineEvent } from '@netmortem/simulator';

/** The counts a person reads first: what the replay found, gathered while it is written out. */
export interface SimulationCounts {
  readonly packetsReplayed: number;
  readonly invalid: number;
  readonly natSkipped: number;
  readonly renats: number;
  readonly expiries: number;
  readonly anchorDisagreements: number;
  readonly overCap: number;
}

/** Tallies per-packet verdicts and timeline events as they stream past, so nothing is kept. */
export class SimulationTally {
  private packets = 0;
  private invalid = 0;
  private natSkipped = 0;
  private renats = 0;
  private expiries = 0;
  private anchorDisagreements = 0;

  constructor(private readonly overCap: number) {}

  addPacket(verdict: PacketVerdict): void {
    this.packets += 1;
    if (verdict.ctinfo === 'INVALID') this.invalid += 1;
    if (verdict.nat.skippedBecause !== undefined) this.natSkipped += 1;
  }

  addEvent(event: TimelineEvent): void {
    if (event.kind === 'renatted') this.renats += 1;
    else if (event.kind === 'expired') this.expiries += 1;
    else if (event.kind === 'anchor-disagrees') this.anchorDisagreements += 1;
  }

  counts(): SimulationCounts {
    return {
      packetsReplayed: this.packets,
      invalid: this.invalid,
      natSkipped: this.natSkipped,
      renats: this.renats,
      expiries: this.expiries,
      anchorDisagreements: this.anchorDisagreements,
      overCap: this.overCap,
    };
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The stage note: the counts in words, e.g. "1,204 packets replayed: 3 INVALID, …". */
export function simulationNote(counts: SimulationCounts, maxPackets: number): string {
  const parts = [
    `${count(counts.invalid, 'INVALID packet')}`,
    `NAT skipped for ${count(counts.natSkipped, 'packet')}`,
    count(counts.renats, 're-NAT'),
    count(counts.expiries, 'conntrack expiry', 'conntrack expiries'),
    count(counts.anchorDisagreements, 'anchor disagreement'),
  ];
  const capped =
    counts.overCap > 0
      ? `; ${count(counts.overCap, 'packet')} over the cap of ${maxPackets} not replayed`
      : '';
  return `${count(counts.packetsReplayed, 'packet')} replayed: ${parts.join(', ')}${capped}`;
}
