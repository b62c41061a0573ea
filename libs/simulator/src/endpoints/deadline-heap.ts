/**
 * Min-heap of (time, key) so the host finds due timers without walking every socket on
 * each packet. Entries are never updated in place: a changed deadline is pushed again and
 * the stale one is recognised (and dropped) by the caller when it surfaces.
 */
export class DeadlineHeap {
  private readonly times: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(atUs: number, key: string): void {
    this.times.push(atUs);
    this.keys.push(key);
    this.up(this.times.length - 1);
  }

  /** Earliest deadline, or undefined when empty. */
  peek(): number | undefined {
    return this.times[0];
  }

  pop(): { atUs: number; key: string } | undefined {
    const atUs = this.times[0];
    const key = this.keys[0];
    if (atUs === undefined || key === undefined) return undefined;
    const lastTime = this.times.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.times.length > 0) {
      this.times[0] = lastTime;
      this.keys[0] = lastKey;
      this.down(0);
    }
    return { atUs, key };
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent]! <= this.times[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    const n = this.times.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.times[left]! < this.times[smallest]!) smallest = left;
      if (right < n && this.times[right]! < this.times[smallest]!) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const t = this.times[a]!;
    this.times[a] = this.times[b]!;
    this.times[b] = t;
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
  }
}
