import type { IssueCollector } from '../../text/issue-collector.js';

/**
 * The items a parser keeps, up to `limits.maxItems`. Beyond it items are only counted, so a
 * huge artifact costs bounded memory; one issue at the end says how many were left out and
 * where the first of them was.
 */
export class BoundedList<T> {
  readonly items: T[] = [];
  private dropped = 0;
  private firstDroppedLine = 0;

  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {}

  /** False when the item was only counted: callers may skip building it. */
  get full(): boolean {
    return this.items.length >= this.max;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Counts an item that was not kept (call instead of push once `full`). */
  countDropped(line: number): void {
    if (this.dropped === 0) this.firstDroppedLine = line;
    this.dropped++;
  }

  /** Adds or counts; returns whether the item was kept. */
  add(item: T, line: number): boolean {
    if (this.full) {
      this.countDropped(line);
      return false;
    }
    this.items.push(item);
    return true;
  }

  report(issues: IssueCollector): void {
    if (this.dropped === 0) return;
    issues.atLine(
      this.firstDroppedLine,
      'TOO_MANY_ITEMS',
      `${this.dropped} ${this.what} beyond the limit of ${this.max} were counted, not kept`,
    );
  }
}
