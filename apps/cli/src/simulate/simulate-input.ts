import type { ReplayEvidence } from '@netmortem/simulator';
import { readBundleEvidence } from '../bundle-input/bundle-evidence.js';

export interface SimulationInput {
  readonly evidence: ReplayEvidence;
  /** Problems worth a line on stderr: unreadable artifacts, damaged captures. */
  readonly warnings: readonly string[];
}

/** What a replay needs from a bundle on disk: the evidence plus every packet; no packet is an error. */
export async function readSimulationInput(target: string): Promise<SimulationInput> {
  const { evidence, packets, warnings } = await readBundleEvidence(target, 'netmortem-simulate-');
  if (packets.length === 0) {
    const captures = evidence.artifacts.filter((a) => a.kind === 'pcap' || a.kind === 'pcapng');
    throw new Error(
      captures.length === 0
        ? `${target}: no capture (pcap or pcapng) in it: the simulator replays packets`
        : `${target}: no IP packet could be read from ${captures.map((c) => c.errorLocator ?? c.path).join(', ')}${captures[0]?.error ? ` (${captures[0].error})` : ''}`,
    );
  }
  return { evidence: { ...evidence, packets }, warnings };
}
