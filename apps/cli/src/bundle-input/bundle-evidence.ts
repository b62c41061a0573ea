import type { EvidenceSet, Packet, ParseIssue } from '@netmortem/domain';
import {
  collectBundleEvidence,
  collectCapturePackets,
  type BundleArtifact,
} from '@netmortem/evidence';
import { openBundle } from './local-bundle.js';
import { localFileChunks } from './local-file-chunks.js';

export interface BundleEvidence {
  readonly evidence: EvidenceSet;
  /** Every packet of every capture (the evidence itself keeps flows, not packets). */
  readonly packets: Packet[];
  /** Problems worth a line on stderr: unreadable artifacts, damaged captures. */
  readonly warnings: readonly string[];
}

/**
 * Reads a bundle on disk (folder, archive or a single file, as `netmortem inspect` does) into
 * evidence plus the decoded packets of its captures. Throws only when the bundle itself is
 * unusable; a bad artifact becomes a warning and the rest is still read.
 */
export async function readBundleEvidence(
  target: string,
  scratchPrefix: string,
): Promise<BundleEvidence> {
  const bundle = await openBundle(target, scratchPrefix);
  try {
    if (bundle.files.length === 0) throw new Error(`${target}: the bundle holds no files`);
    const byPath = new Map(bundle.files.map((file) => [file.relative, file]));
    const artifacts: BundleArtifact[] = bundle.files.map((file) => ({
      path: file.relative,
      sizeBytes: file.size,
      open: () => Promise.resolve(localFileChunks(file.absolute)),
    }));
    const evidence = await collectBundleEvidence(artifacts);
    const warnings: string[] = [];
    for (const artifact of evidence.artifacts) {
      if (artifact.error !== undefined)
        warnings.push(`${artifact.errorLocator ?? artifact.path}: ${artifact.error}`);
    }
    const collected = await collectCapturePackets(
      evidence.captures.flatMap((capture) => {
        const file = byPath.get(capture.artifact);
        return file ? [{ path: capture.artifact, open: () => localFileChunks(file.absolute) }] : [];
      }),
    );
    for (const issue of collected.issues) warnings.push(issueText(issue));
    return { evidence, packets: collected.packets, warnings };
  } finally {
    await bundle.close();
  }
}

function issueText(issue: ParseIssue): string {
  const where =
    issue.locator.packet !== undefined
      ? `${issue.locator.artifact}#packet ${issue.locator.packet}`
      : issue.locator.line !== undefined
        ? `${issue.locator.artifact}:${issue.locator.line}`
        : issue.locator.artifact;
  return `${where}: ${issue.message}`;
}
