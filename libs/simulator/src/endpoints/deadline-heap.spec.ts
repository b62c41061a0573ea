import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from './deadline-heap.js';

describe('DeadlineHeap', () => {
  it('pops deadlines in time order whatever the push order', () => {
    const heap = new DeadlineHeap();
    const times = [50, 10, 40, 10, 30, 20, 60, 0];
    times.forEach((t, i) => heap.push(t, `k${i}`));
    const popped: number[] = [];
    for (let next = heap.pop(); next; next = heap.pop()) popped.push(next.atUs);
    expect(popped).toEqual([...times].sort((a, b) => a - b));
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });

  it('keeps the key with its time', () => {
    const heap = new DeadlineHeap();
    heap.push(5, 'late');
    heap.push(1, 'early');
    expect(heap.pop()).toEqual({ atUs: 1, key: 'early' });
    expect(heap.peek()).toBe(5);
  });
});
