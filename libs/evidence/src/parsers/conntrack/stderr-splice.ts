/**
 * `conntrack -L > file 2>&1` writes its summary to unbuffered stderr while the listing still
 * sits in stdout's 4 KiB buffer, so the summary often lands in the middle of an entry:
 *
 *   ipv6 10 icmpv6 58 26 src=fd88::1 dst=fd88::2 type=128 code=conntrack v1.4.7 (conntrack-tools): 19 flow entries have been shown.
 *   0 id=119 packets=1 …
 *
 * This takes the message out and joins the two halves of the entry again.
 */
export class StderrSplice {
  /** The line the text returned by `join` started on. */
  line = 0;
  private pending: string | undefined;

  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /** The first half held back by `split`, joined with this line. */
  join(text: string): string {
    const joined = (this.pending ?? '') + text;
    this.pending = undefined;
    return joined;
  }

  /**
   * When a conntrack message sits inside `text` (not at its start), hands the message to
   * `onMessage`, holds the text before it for the next line, and returns true.
   */
  split(
    text: string,
    lineNumber: number,
    onMessage: (message: string, lineNumber: number) => void,
  ): boolean {
    const at = text.indexOf('conntrack v', 1);
    if (at <= 0 || !/^conntrack v[\d.]+ \(conntrack-tools\): /.test(text.slice(at, at + 40))) {
      return false;
    }
    onMessage(text.slice(at), lineNumber);
    this.pending = text.slice(0, at);
    this.line = lineNumber;
    return true;
  }

  /** A first half that never got its second (the artifact ended), to be read as it is. */
  flush(): string | undefined {
    const rest = this.pending;
    this.pending = undefined;
    return rest === undefined || rest.trim() === '' ? undefined : rest;
  }
}

/** A spliced line ends with the message, and conntrack's summary ends with a full stop. */
export function mayHoldSummary(text: string): boolean {
  return text.charCodeAt(text.length - 1) === 0x2e;
}
