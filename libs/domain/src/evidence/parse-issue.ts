import type { Locator } from '../artifact/locator.js';

/**
 * Something a parser could not read. Parsing never throws for bad input: it records an
 * issue with the exact place (line or packet), keeps everything it could read, and goes on.
 */
export interface ParseIssue {
  readonly locator: Locator;
  /** Stable and machine-readable, e.g. `TRUNCATED_RECORD`, `LINE_TOO_LONG`, `UNPARSEABLE_LINE`. */
  readonly code: string;
  readonly message: string;
}

/** `parsed`: everything read; `partial`: some lines/packets skipped; `failed`: nothing usable. */
export type ParseStatus = 'parsed' | 'partial' | 'failed';

export interface ParseOutcome<T> {
  readonly artifact: string;
  readonly status: ParseStatus;
  readonly value: T;
  readonly issues: readonly ParseIssue[];
  /** Lines or packets read, for progress and summaries. */
  readonly unitsRead: number;
}
