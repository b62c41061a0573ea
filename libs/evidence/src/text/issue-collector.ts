import type { Locator, ParseIssue } from '@netmortem/domain';

/**
 * Collects parse issues with a cap, so a file of a million bad lines costs a bounded amount
 * of memory; the count of everything beyond the cap is still kept and reported.
 */
export class IssueCollector {
  private readonly kept: ParseIssue[] = [];
  private dropped = 0;

  constructor(
    private readonly artifact: string,
    private readonly cap = 200,
  ) {}

  atLine(line: number, code: string, message: string): void {
    this.add({ artifact: this.artifact, line }, code, message);
  }

  atPacket(packet: number, code: string, message: string, byteOffset?: number): void {
    this.add(
      { artifact: this.artifact, packet, ...(byteOffset === undefined ? {} : { byteOffset }) },
      code,
      message,
    );
  }

  add(locator: Locator, code: string, message: string): void {
    if (this.kept.length < this.cap) this.kept.push({ locator, code, message });
    else this.dropped += 1;
  }

  get count(): number {
    return this.kept.length + this.dropped;
  }

  /** The kept issues, plus one summarising those beyond the cap. */
  list(): ParseIssue[] {
    if (this.dropped === 0) return [...this.kept];
    return [
      ...this.kept,
      {
        locator: { artifact: this.artifact },
        code: 'MORE_ISSUES',
        message: `${this.dropped} more issue(s) like the above were not listed`,
      },
    ];
  }
}
