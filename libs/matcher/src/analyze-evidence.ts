import { createHash } from 'node:crypto';
import { CATALOGUE_VERSION, findBuiltinRootCause } from '@netmortem/catalogue';
import { MatchContext, type MatchInput, type MatchOptions } from './context/match-context.js';
import { DETECTORS } from './detectors/index.js';
import type { Candidate, Detector } from './detectors/detector.js';
import { proveRemediation } from './proof/remediation-proof.js';
import type { AnalysisReport, Finding, RemediationAdvice } from './report/analysis-report.js';
import { latentRisks } from './risks/latent-risks.js';

/** Below this a hypothesis is a guess, and guesses cost on-call trust: not reported. */
export const REPORT_FLOOR = 0.3;
/** What-if proofs (a replay each) are run for findings the matcher stands behind. */
const PROOF_FLOOR = 0.5;
/** Two causes closer than this are "close": each finding says how to tell them apart. */
const CLOSE_CALL = 0.15;

export interface AnalyzeOptions extends MatchOptions {
  /** Detectors to run (tests); all built-in ones by default. */
  readonly detectors?: readonly Detector[];
  /** Skip the what-if proofs (faster; the worker may run them in a later stage). */
  readonly proofs?: boolean;
}

/**
 * The matcher: evidence (and the simulator's replay of it) in, ranked findings with evidence
 * for and against, remediation with its what-if proof, and latent risks out.
 */
export async function analyzeEvidence(
  input: MatchInput,
  options: AnalyzeOptions = {},
): Promise<AnalysisReport> {
  const context = new MatchContext(input, options);
  const candidates: Candidate[] = [];
  for (const detector of options.detectors ?? DETECTORS)
    candidates.push(...detector.detect(context));

  const best = strongestPerCause(candidates.filter((c) => c.weighing.confidence >= REPORT_FLOOR));
  best.sort((a, b) => b.candidate.weighing.confidence - a.candidate.weighing.confidence);
  const findings: Finding[] = [];
  for (const { candidate, others } of best) {
    findings.push(await toFinding(context, candidate, others, options.proofs ?? true));
  }
  addCloseCallHints(
    findings,
    best.map((b) => b.candidate),
  );
  const found = new Set(findings.map((f) => f.rootCause));
  const e = input.evidence;
  return {
    artifacts: e.artifacts.map((a) => ({
      path: a.path,
      kind: a.kind,
      status: a.status,
      ...(a.error === undefined
        ? {}
        : { error: a.errorLocator ? `${a.errorLocator}: ${a.error}` : a.error }),
    })),
    findings,
    risks: latentRisks(context).filter((r) => !found.has(r.rootCause)),
    coverage: {
      captures: e.captures.length,
      packets: context.packets.length,
      flows: e.flows.length,
      replayed: context.replay !== null,
      ...(context.settings.kernel ? { kernel: context.settings.kernel.release } : {}),
      kernelProfile: context.settings.profile.id,
      kinds: [...new Set(e.artifacts.map((a) => a.kind))].sort(),
    },
    catalogueVersion: CATALOGUE_VERSION,
  };
}

interface Ranked {
  readonly candidate: Candidate;
  /** Other flows the same cause was seen on. */
  readonly others: readonly Candidate[];
}

function strongestPerCause(candidates: readonly Candidate[]): Ranked[] {
  const byCause = new Map<string, Candidate[]>();
  for (const c of candidates) byCause.set(c.rootCause, [...(byCause.get(c.rootCause) ?? []), c]);
  return [...byCause.values()].map((list) => {
    const sorted = [...list].sort((a, b) => b.weighing.confidence - a.weighing.confidence);
    return { candidate: sorted[0]!, others: sorted.slice(1) };
  });
}

async function toFinding(
  context: MatchContext,
  c: Candidate,
  others: readonly Candidate[],
  proofs: boolean,
): Promise<Finding> {
  const entry = findBuiltinRootCause(c.rootCause);
  const remediation: RemediationAdvice[] = [];
  for (const option of entry?.remediation ?? []) {
    const proof =
      proofs && option.whatIf && c.weighing.confidence >= PROOF_FLOOR
        ? await proveRemediation(context, option, c.failure, c.flow)
        : undefined;
    remediation.push({
      id: option.id,
      title: option.title,
      steps: option.steps,
      tradeoffs: option.tradeoffs,
      ...(proof ? { proof } : {}),
    });
  }
  const otherFlows = [
    ...new Set(others.flatMap((o) => (o.flow ? [`${o.flow.client} → ${o.flow.server}`] : []))),
  ];
  const notes = [...(c.notes ?? [])];
  if (otherFlows.length > 0)
    notes.push(
      `also seen on ${otherFlows.length} other flow(s): ${otherFlows.slice(0, 5).join(', ')}${otherFlows.length > 5 ? ', …' : ''}`,
    );
  return {
    rootCause: c.rootCause,
    title: entry?.title ?? c.rootCause,
    confidence: c.weighing.confidence,
    summary: c.summary,
    ...(c.flow ? { flow: c.flow } : {}),
    narrative: c.narrative,
    evidence: c.weighing.evidence,
    evidenceAgainst: c.weighing.evidenceAgainst,
    nextEvidence: [...(c.nextEvidence ?? [])],
    remediation,
    notes,
    fingerprint: createHash('sha256')
      .update(`${c.rootCause}|${c.flow?.client ?? ''}|${c.flow?.server ?? ''}`)
      .digest('hex')
      .slice(0, 16),
  };
}

/** When the runner-up is close, each says what would separate it from the other. */
function addCloseCallHints(findings: Finding[], candidates: readonly Candidate[]): void {
  for (let i = 0; i + 1 < findings.length; i++) {
    const a = findings[i]!;
    const b = findings[i + 1]!;
    if (a.confidence - b.confidence > CLOSE_CALL) continue;
    const hintsB = candidates.find((c) => c.rootCause === b.rootCause)?.nextEvidence ?? [];
    const hintsA = candidates.find((c) => c.rootCause === a.rootCause)?.nextEvidence ?? [];
    (a.nextEvidence as string[]).push(...hintsB.map((h) => `to rule out ${b.rootCause}: ${h}`));
    (b.nextEvidence as string[]).push(...hintsA.map((h) => `to rule out ${a.rootCause}: ${h}`));
  }
}
