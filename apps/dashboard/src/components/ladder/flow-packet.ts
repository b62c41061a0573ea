/** One packet of a flow with the simulator's verdict: what the pictures draw. */
export interface FlowPacket {
  readonly capture: string;
  readonly index: number;
  readonly time: string;
  readonly timeUs: number;
  readonly path: string;
  readonly summary: string;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly flags?: string | null;
  readonly ctStateBefore?: string | null;
  readonly ctStateAfter?: string | null;
  readonly entryId?: number | null;
  readonly invalidReason?: string | null;
  readonly natApplied: boolean;
  readonly natTranslated?: string | null;
  readonly natSkippedBecause?: string | null;
  readonly filterVerdict: string;
  readonly deliveredTo?: string | null;
  readonly responseKind?: string | null;
  readonly responseFlags?: string | null;
  readonly responseReason?: string | null;
}

/** A conntrack entry change from the simulator's timeline. */
export interface FlowEvent {
  readonly time: string;
  readonly timeUs: number;
  readonly kind: string;
  readonly entryId?: number | null;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly timer?: string | null;
  readonly note: string;
}

/** The host's own answers worth drawing: resets and challenge ACKs (not plain ACKs). */
export function isAlarmingResponse(kind: string | null | undefined): boolean {
  return Boolean(kind && /^(RST|CHALLENGE)/i.test(kind));
}

/** Where something went wrong: the packets a reader should look at first. */
export function isRemarkable(packet: FlowPacket): boolean {
  return Boolean(
    packet.invalidReason ||
    packet.natSkippedBecause ||
    isAlarmingResponse(packet.responseKind) ||
    packet.flags?.includes('RST') ||
    /^(drop|reject)/i.test(packet.filterVerdict),
  );
}

/** `+1.234567 s` after `originUs`: flows are read in relative time. */
export function relativeSeconds(timeUs: number, originUs: number): string {
  return `+${((timeUs - originUs) / 1e6).toFixed(6)} s`;
}

/** `+12.5 ms`, `+3.20 s`: an axis label short enough to sit between ticks. */
export function offsetLabel(timeUs: number, originUs: number): string {
  const us = timeUs - originUs;
  return Math.abs(us) < 1_000_000 ? `+${(us / 1000).toFixed(1)} ms` : `+${(us / 1e6).toFixed(2)} s`;
}
