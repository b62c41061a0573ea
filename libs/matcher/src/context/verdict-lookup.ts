import type { PacketVerdict, ReplayRun } from '@netmortem/simulator';

/**
 * One captured packet's verdict from a replay, materialised only when asked: a bundle's
 * replay can hold a million steps, and a detector or a proof reads a handful of them.
 */
export class VerdictLookup {
  private readonly positions = new Map<string, number>();
  private readonly cache = new Map<number, PacketVerdict>();

  constructor(private readonly run: ReplayRun) {
    const steps = run.steps;
    for (let i = 0; i < steps.length; i++) {
      const locator = steps[i]!.packet.locator;
      const key = `${locator.artifact}#${locator.packet ?? 0}`;
      // The first sighting: a copy seen again on another interface comes later.
      if (!this.positions.has(key)) this.positions.set(key, i);
    }
  }

  /** The verdict of a packet; for a copy (`path: duplicate`), that of the first sighting. */
  get(capture: string, index: number): PacketVerdict | undefined {
    let verdict = this.at(this.positions.get(`${capture}#${index}`));
    for (let hops = 0; verdict?.path === 'duplicate' && verdict.sameAs && hops < 4; hops++)
      verdict = this.at(this.positions.get(`${verdict.sameAs.capture}#${verdict.sameAs.index}`));
    return verdict;
  }

  private at(position: number | undefined): PacketVerdict | undefined {
    if (position === undefined) return undefined;
    let verdict = this.cache.get(position);
    if (!verdict) {
      verdict = this.run.packet(position);
      this.cache.set(position, verdict);
    }
    return verdict;
  }
}
