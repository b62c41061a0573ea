import type { EvidenceSet } from '@netmortem/domain';
import type { ArtifactHandler } from './artifact-handler.js';
import { EvidenceCollector } from './evidence-collector.js';

/** Every artifact kind netmortem reads, and where its result goes in the evidence. */
export function defaultArtifactHandlers(): ArtifactHandler[] {
  return [];
}

/** Post-processing once all artifacts are in. */
export function defaultFinishers(): ((evidence: EvidenceSet) => void)[] {
  return [];
}

export function createEvidenceCollector(): EvidenceCollector {
  return new EvidenceCollector({ handlers: defaultArtifactHandlers(), finishers: defaultFinishers() });
}
