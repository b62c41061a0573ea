import {
  emptyEvidenceSet,
  formatLocator,
  type ArtifactKind,
  type ArtifactReport,
  type EvidenceSet,
} from '@netmortem/domain';
import { detectArtifactKind } from '../detection/artifact-kind.detector.js';
import { DETECTION_HEAD_BYTES } from '../detection/kind-detection.js';
import type { ArtifactHandler } from './artifact-handler.js';
import { peekHead } from './peek-head.js';

export interface EvidenceCollectorOptions {
  readonly handlers: readonly ArtifactHandler[];
  /** Runs once every artifact is in, e.g. to correlate flows across captures. */
  readonly finishers?: readonly ((evidence: EvidenceSet) => void)[];
}

/**
 * Builds the evidence of a bundle one artifact at a time, as the unpacker delivers them:
 * kind from content (unless already known), then the handler for that kind. A bad artifact
 * is reported and the rest go on.
 */
export class EvidenceCollector {
  private readonly evidence = emptyEvidenceSet();
  private readonly byKind = new Map<ArtifactKind, ArtifactHandler>();

  constructor(private readonly options: EvidenceCollectorOptions) {
    for (const handler of options.handlers) {
      for (const kind of handler.kinds) this.byKind.set(kind, handler);
    }
  }

  async add(artifact: {
    path: string;
    sizeBytes: number;
    stream: AsyncIterable<Uint8Array>;
    kind?: ArtifactKind;
    onBytes?: (bytesRead: number) => void;
  }): Promise<ArtifactReport> {
    let stream = artifact.stream;
    let kind = artifact.kind;
    if (!kind) {
      const peeked = await peekHead(stream, DETECTION_HEAD_BYTES);
      kind = detectArtifactKind(peeked.head, artifact.path).kind;
      stream = peeked.stream;
    }
    const handler = this.byKind.get(kind);
    let report: ArtifactReport;
    if (!handler) {
      await drain(stream);
      report = {
        path: artifact.path,
        kind,
        sizeBytes: artifact.sizeBytes,
        status: 'skipped',
        issues: [],
        unitsRead: 0,
      };
    } else {
      try {
        const result = await handler.read(
          {
            path: artifact.path,
            kind,
            stream,
            ...(artifact.onBytes ? { onBytes: artifact.onBytes } : {}),
          },
          this.evidence,
        );
        const first = result.issues[0];
        report = {
          path: artifact.path,
          kind,
          sizeBytes: artifact.sizeBytes,
          status: result.status,
          issues: result.issues,
          unitsRead: result.unitsRead,
          ...(first ? { error: first.message, errorLocator: formatLocator(first.locator) } : {}),
        };
      } catch (error) {
        // Parsers report bad input as issues; a throw here is our bug, kept to this artifact.
        const message = error instanceof Error ? error.message : String(error);
        report = {
          path: artifact.path,
          kind,
          sizeBytes: artifact.sizeBytes,
          status: 'failed',
          issues: [{ locator: { artifact: artifact.path }, code: 'PARSER_FAILED', message }],
          unitsRead: 0,
          error: `the ${kind} parser failed: ${message}`,
          errorLocator: artifact.path,
        };
      }
    }
    this.evidence.artifacts.push(report);
    return report;
  }

  /** Changes to the evidence made outside a handler (e.g. counters from another artifact). */
  amend(change: (evidence: EvidenceSet) => void): void {
    change(this.evidence);
  }

  /** An artifact read without a handler (context files, parts of a composite). */
  record(report: ArtifactReport): void {
    this.evidence.artifacts.push(report);
  }

  finish(): EvidenceSet {
    for (const finisher of this.options.finishers ?? []) finisher(this.evidence);
    this.evidence.artifacts.sort((a, b) => a.path.localeCompare(b.path));
    return this.evidence;
  }
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _chunk of stream) {
    // Unread kinds are consumed so the unpacker can move on to the next entry.
  }
}
