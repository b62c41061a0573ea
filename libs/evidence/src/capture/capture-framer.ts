/**
 * One capture format's framing. The streaming driver (capture.decoder.ts) asks for the
 * length of the unit at an offset, and hands over each complete unit; a unit is the file
 * header, a record, or a block.
 */
export interface CaptureFramer {
  /**
   * Total length of the unit starting at `off`, given `avail` readable bytes: > 0 the
   * length (already checked against the caps), 0 when more bytes are needed to tell, -1
   * when the bytes are corrupt (an issue is recorded and reading stops).
   */
  unitLength(b: Uint8Array, off: number, avail: number, fileOffset: number): number;
  /** Handles one complete unit. False stops reading (issue recorded, or packet limit). */
  consume(b: Uint8Array, off: number, length: number, fileOffset: number): boolean;
  /**
   * Optional fast path: consumes every whole unit in `b` from `pos` (`base` is the file
   * offset of `b`) and returns where the incomplete rest starts. After it, `halt` is 1 when
   * the bytes were corrupt (issue recorded), 2 when reading should stop (packet limit).
   */
  run?(b: Uint8Array, pos: number, base: number): number;
  halt?: number;
  /** The input ended with `leftover` bytes of an incomplete unit at `fileOffset`. */
  truncated(leftover: number, fileOffset: number): void;
}
