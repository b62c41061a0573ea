import type { ArtifactKind } from '@netmortem/domain';
import type { ArtifactRole, LayoutHint, LayoutName } from './layout-hint.js';

/** What a layout says one of its files is. */
export interface LayoutExpectation {
  readonly role: ArtifactRole;
  /** For `evidence`: the kind the layout puts there. */
  readonly kind?: ArtifactKind;
  readonly reason: string;
  readonly sysctlKey?: string;
}

/**
 * Combines what the layout expects with what detection saw. A file name is a promise the
 * content may break (a failed command leaves an error message, a user drops in another
 * file), so detected content of another kind keeps its kind and the reason says so.
 */
export function hintFor(
  path: string,
  layout: LayoutName,
  expected: LayoutExpectation,
  detected: ArtifactKind | undefined,
): LayoutHint {
  const seen = detected ?? 'unknown';
  const base = {
    path,
    layout,
    ...(expected.sysctlKey !== undefined ? { sysctlKey: expected.sysctlKey } : {}),
  };
  if (expected.role !== 'evidence' || expected.kind === undefined) {
    // Not read whole: a consumer that only applies kinds skips it instead of misreading it.
    return {
      ...base,
      role: expected.role,
      kind: 'unknown',
      overridden: seen !== 'unknown',
      reason: expected.reason,
    };
  }
  if (seen === 'unknown' || seen === expected.kind) {
    return {
      ...base,
      role: 'evidence',
      kind: expected.kind,
      overridden: seen !== expected.kind,
      reason: expected.reason,
    };
  }
  return {
    ...base,
    role: 'evidence',
    kind: seen,
    overridden: false,
    reason: `${expected.reason}; but its content reads as ${seen}, which is kept`,
  };
}
