import type { ArtifactKind } from '@netmortem/domain';
import { redactionPolicy, type RedactionCounts, type RedactionPolicy } from '@netmortem/evidence';

export const NOTE_NAME = 'REDACTED.json';

export interface FileOutcome {
  /** The path in the redacted bundle (or, when omitted, the path it would have had). */
  readonly path: string;
  readonly kind: ArtifactKind;
  readonly action: 'redacted' | 'omitted';
  readonly reason?: string;
  readonly packets?: number;
  readonly payloadBytesRemoved?: number;
  readonly pcapngBlocksDropped?: Readonly<Record<string, number>>;
  readonly pcapngOptionsDropped?: number;
  readonly complete?: boolean;
  readonly lines?: number;
  readonly buffersEmptied?: number;
  readonly secretsBlanked?: number;
}

export interface RedactionNote {
  readonly redactedBy: string;
  readonly toolVersion: string;
  /** Bundles with the same fingerprint were redacted with the same key: their pseudonyms agree. */
  readonly keyFingerprint: string;
  readonly keyShared: boolean;
  readonly replaced: RedactionCounts;
  readonly files: readonly FileOutcome[];
  readonly policy: RedactionPolicy;
}

/**
 * REDACTED.json, written at the root of the redacted bundle: what kinds of things were
 * replaced and how often, what was left out and why, and the rules applied. Never the
 * original values, the mapping or the key.
 */
export function redactionNote(input: {
  toolVersion: string;
  keyFingerprint: string;
  keyShared: boolean;
  counts: RedactionCounts;
  files: readonly FileOutcome[];
}): RedactionNote {
  return {
    redactedBy: 'netmortem redact',
    toolVersion: input.toolVersion,
    keyFingerprint: input.keyFingerprint,
    keyShared: input.keyShared,
    replaced: input.counts,
    files: input.files,
    policy: redactionPolicy(),
  };
}
