/**
 * A binary min-heap of (due time, item) with parallel arrays, so pushing and popping allocate
 * nothing beyond array growth. Items may sit in the heap more than once; the caller decides
 * whether a popped node is still current.
 */
export class ExpiryHeap<T> {
  private readonly dues: number[] = [];
  private readonly items: T[] = [];

  get length(): number {
    return this.dues.length;
  }

  push(due: number, item: T): void {
    const dues = this.dues;
    const items = this.items;
    let i = dues.length;
    dues.push(due);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentDue = dues[parent] as number;
      if (parentDue <= due) break;
      dues[i] = parentDue;
      items[i] = items[parent] as T;
      i = parent;
    }
    dues[i] = due;
    items[i] = item;
  }

  /** Due time of the earliest node; Infinity when empty. */
  peekDue(): number {
    return this.dues.length === 0 ? Infinity : (this.dues[0] as number);
  }

  /** Removes the earliest node and returns its item (undefined when empty). */
  pop(): T | undefined {
    const dues = this.dues;
    const items = this.items;
    const n = dues.length;
    if (n === 0) return undefined;
    const top = items[0] as T;
    const lastDue = dues.pop() as number;
    const lastItem = items.pop() as T;
    if (n > 1) {
      const size = n - 1;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        let child = left;
        if (right < size && (dues[right] as number) < (dues[left] as number)) child = right;
        const childDue = dues[child] as number;
        if (childDue >= lastDue) break;
        dues[i] = childDue;
        items[i] = items[child] as T;
        i = child;
      }
      dues[i] = lastDue;
      items[i] = lastItem;
    }
    return top;
  }

  clear(): void {
    this.dues.length = 0;
    this.items.length = 0;
  }
}
