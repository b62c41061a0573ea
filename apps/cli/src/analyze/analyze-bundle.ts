import { analyzeEvidence, type AnalysisReport } from '@netmortem/matcher';
import { readBundleEvidence } from '../bundle-input/bundle-evidence.js';

export interface AnalyzeResult {
  readonly report: AnalysisReport;
  readonly warnings: readonly string[];
}

/** `netmortem analyze`: a bundle on disk in, the matcher's report out; no database, no queue. */
export async function analyzeBundle(
  target: string,
  options: { readonly kernel?: string } = {},
): Promise<AnalyzeResult> {
  const { evidence, packets, warnings } = await readBundleEvidence(target, 'netmortem-analyze-');
  const usable = evidence.artifacts.some((a) => a.kind !== 'unknown' && a.status !== 'failed');
  if (!usable) {
    throw new Error(
      `${target}: nothing in it could be read as evidence (${evidence.artifacts.length} file(s): ${evidence.artifacts
        .slice(0, 3)
        .map((a) => `${a.path}: ${a.error ?? a.kind}`)
        .join('; ')})`,
    );
  }
  const report = await analyzeEvidence(
    { evidence, packets },
    options.kernel === undefined ? {} : { replay: { kernel: options.kernel } },
  );
  return { report, warnings };
}
