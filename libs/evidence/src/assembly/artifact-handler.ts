import type { ArtifactKind, EvidenceSet, ParseIssue, ParseStatus } from '@netmortem/domain';

export interface ArtifactInput {
  readonly path: string;
  readonly kind: ArtifactKind;
  readonly stream: AsyncIterable<Uint8Array>;
  /** Bytes read so far, for progress bars. */
  readonly onBytes?: (bytesRead: number) => void;
}

export interface HandlerResult {
  readonly status: ParseStatus;
  readonly issues: readonly ParseIssue[];
  readonly unitsRead: number;
}

/** Reads artifacts of some kinds and adds what it finds to the evidence. */
export interface ArtifactHandler {
  readonly kinds: readonly ArtifactKind[];
  read(input: ArtifactInput, evidence: EvidenceSet): Promise<HandlerResult>;
}
