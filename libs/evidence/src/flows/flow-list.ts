/** Something that sits in one intrusive list at a time. */
export interface Linked {
  prev: Linked | null;
  next: Linked | null;
  /** Which list holds it (0 none); lets a flow move between lists in O(1). */
  list: number;
  /** When it was (re)appended: the list is ordered by this. */
  listedUs: number;
  /** Its last activity, which may be later than `listedUs`. */
  lastUs: number;
}

/**
 * A doubly linked list in the order entries were (re)appended. Packets only update an
 * entry's `lastUs`; the list is put right lazily, when expiry looks at the head: an entry
 * that was active since it was listed goes back to the tail instead of expiring. Each
 * packet then costs no list work at all, and each sweep step is O(1) amortised.
 */
export class ActivityList<T extends Linked> {
  head: T | null = null;
  tail: T | null = null;
  size = 0;

  constructor(readonly id: number) {}

  /** Appends, or moves to the tail if already here. */
  touch(entry: T): void {
    if (entry.list === this.id) {
      if (this.tail === entry) return;
      this.unlink(entry);
    }
    entry.prev = this.tail;
    entry.next = null;
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    entry.list = this.id;
    this.size += 1;
  }

  /**
   * Pops the heads whose `listedUs` is older than `cutoff`: returns the first whose last
   * activity is older too (expired), after moving the ones active since back to the tail;
   * null when none.
   */
  expired(cutoff: number): T | null {
    for (let head = this.head; head !== null && head.listedUs < cutoff; head = this.head) {
      if (head.lastUs < cutoff) return head;
      head.listedUs = head.lastUs;
      this.touch(head);
    }
    return null;
  }

  /** The least recently active of the first few entries (approximate LRU, for eviction). */
  leastRecent(): T | null {
    for (let i = 0; i < 8; i++) {
      const head = this.head;
      if (head === null || head.lastUs === head.listedUs) return head;
      head.listedUs = head.lastUs;
      this.touch(head);
    }
    return this.head;
  }

  remove(entry: T): void {
    if (entry.list === this.id) this.unlink(entry);
    entry.list = 0;
  }

  private unlink(entry: T): void {
    const prev = entry.prev as T | null;
    const next = entry.next as T | null;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    entry.prev = null;
    entry.next = null;
    this.size -= 1;
  }
}
