/**
 * Disagreements between the model and this machine's kernel that are understood and reported
 * to the simulator's owners, each with its reason. The specs accept exactly these (by
 * sequence variant) and fail on any other; remove an entry once the model is fixed (the specs
 * say so when a listed variant no longer disagrees).
 */
export const KNOWN_DIVERGENCES: readonly { readonly variant: string; readonly reason: string }[] =
  [];

/** The variant part of a sequence id: `nat/dnat-reply-tuple-taken-3` -> `nat/dnat-reply-tuple-taken`. */
export function variantOf(sequenceId: string): string {
  return sequenceId.replace(/-\d+$/, '');
}

export function isKnownDivergence(sequenceId: string): boolean {
  const variant = variantOf(sequenceId);
  return KNOWN_DIVERGENCES.some((known) => known.variant === variant);
}
