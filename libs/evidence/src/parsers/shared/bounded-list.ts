import type { IssueCollector } from '../../text/issue-collector.js';
import { ItemBudget } from './item-budget.js';

/**
 * The items a parser keeps, up to `limits.maxItems` (an ItemBudget that also holds them).
 * Parsers check `full` first so they can skip building items that would only be counted.
 */
export class BoundedList<T> {
  readonly items: T[] = [];
  private readonly budget: ItemBudget;

  constructor(max: number, what: string) {
    this.budget = new ItemBudget(max, what);
  }

  get full(): boolean {
    return this.budget.full;
  }

  /** Keeps an item; only for callers that checked `full` first. */
  push(item: T): void {
    this.budget.take(0);
    this.items.push(item);
  }

  /** Counts an item that was not kept (call instead of add once `full`). */
  countDropped(line: number): void {
    this.budget.take(line);
  }

  /** Adds or counts; returns whether the item was kept. */
  add(item: T, line: number): boolean {
    if (!this.budget.take(line)) return false;
    this.items.push(item);
    return true;
  }

  report(issues: IssueCollector): void {
    this.budget.report(issues);
  }
}
