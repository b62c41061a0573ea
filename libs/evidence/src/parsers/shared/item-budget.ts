import type { IssueCollector } from '../../text/issue-collector.js';

/**
 * Enforces `limits.maxItems`: items past the limit are counted, not kept, so a huge artifact
 * costs bounded memory; one issue at the first dropped item says how many were left out.
 */
export class ItemBudget {
  private kept = 0;
  private dropped = 0;
  private firstDroppedLine: number | undefined;

  constructor(
    private readonly max: number,
    private readonly noun: string,
  ) {}

  /** No more items will be kept. */
  get full(): boolean {
    return this.kept >= this.max;
  }

  /** Whether the item at this line may be kept. */
  take(line: number): boolean {
    if (this.kept < this.max) {
      this.kept += 1;
      return true;
    }
    this.dropped += 1;
    this.firstDroppedLine ??= line;
    return false;
  }

  report(issues: IssueCollector): void {
    if (this.firstDroppedLine === undefined) return;
    issues.atLine(
      this.firstDroppedLine,
      'TOO_MANY_ITEMS',
      `${this.dropped} ${this.noun} beyond the limit of ${this.max} were counted, not kept`,
    );
  }
}
