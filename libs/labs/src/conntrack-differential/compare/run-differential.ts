import { kernelProfileFor, type KernelProfile } from '@netmortem/simulator';
import type { KernelRun, KernelSequenceVerdicts } from '../kernel/kernel-verdicts.js';
import { runModel, type ModelPacketVerdict } from '../model/model-runner.js';
import { sequenceRuleset } from '../model/nat-ruleset.js';
import { wireSegments } from '../packets/wire-segment.js';
import type { TcpSequence } from '../sequences/segment-sequence.js';
import { compareRuns, type DifferentialReport } from './differential-report.js';

/**
 * Feeds every sequence to the model at the times the kernel saw its packets (the router's
 * log time, or the scheduled time when it was not logged) and compares the verdicts.
 */
export async function compareWithKernel(
  sequences: readonly TcpSequence[],
  run: Pick<KernelRun, 'kernelRelease' | 'baseSysctls' | 'sequences'>,
  profile: KernelProfile = kernelProfileFor(run.kernelRelease),
): Promise<DifferentialReport> {
  const kernel = new Map<string, KernelSequenceVerdicts>(
    run.sequences.map((s) => [s.sequenceId, s]),
  );
  const model = new Map<string, readonly ModelPacketVerdict[]>();
  for (const sequence of sequences) {
    const observed = kernel.get(sequence.id)?.packets ?? [];
    const times = sequence.segments.map((_, i) => {
      const k = observed[i];
      return k?.loggedUs ?? k?.sentUs ?? i * 1000;
    });
    const segments = wireSegments(sequence, 1, times);
    const rules =
      sequence.nat === undefined && sequence.rawRules === undefined
        ? undefined
        : await sequenceRuleset(
            { nat: sequence.nat?.rules ?? [], raw: sequence.rawRules ?? [] },
            `${sequence.id}/rules.txt`,
          );
    model.set(
      sequence.id,
      runModel({
        sequence,
        segments,
        baseSysctls: run.baseSysctls,
        profile,
        ...(rules === undefined ? {} : { rules }),
      }),
    );
  }
  return compareRuns(sequences, kernel, model, {
    kernelRelease: run.kernelRelease,
    profile: profile.id,
  });
}
