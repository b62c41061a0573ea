/** What redacting one capture did. */
export interface CaptureRedactionSummary {
  readonly format: 'pcap' | 'pcapng' | 'unknown';
  readonly packets: number;
  /** Packets with an IP header (rewritten). */
  readonly ipPackets: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Captured packet bytes cut away (payloads and non-IP bodies). */
  readonly payloadBytesRemoved: number;
  /** pcapng blocks left out, by type (name resolution, decryption secrets, custom…). */
  readonly blocksDropped: Readonly<Record<string, number>>;
  /** pcapng options left out (comments, host, OS and hardware descriptions, hashes…). */
  readonly optionsDropped: number;
  /** False when the input was damaged: the output holds what came before the damage. */
  readonly complete: boolean;
  readonly error?: string;
}

/** Where a framer writes its redacted units, and what it counts. */
export interface RedactionOutput {
  out: Uint8Array;
  at: number;
  blocksDropped: Record<string, number>;
  optionsDropped: number;
}

/**
 * One capture format's framing for redaction: the length of the unit at an offset (as the
 * reader decides it, so both stop at the same damage), and the unit rewritten into the
 * output. A unit is the file header, a record or a block.
 */
export interface RedactionFramer {
  /** > 0 the unit's length; 0 more bytes needed; -1 corrupt (see `error`). */
  unitLength(b: Uint8Array, off: number, avail: number): number;
  /** Writes the redacted unit at `output.at` and advances it; false stops (see `error`). */
  redact(b: Uint8Array, off: number, length: number, output: RedactionOutput): boolean;
  /** Why reading stopped, when it did. */
  error: string | undefined;
}
