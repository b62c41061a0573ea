import { describe, expect, it } from 'vitest';
import { ExpiryHeap } from './expiry-heap.js';

describe('ExpiryHeap', () => {
  it('pops in due order whatever the push order', () => {
    const heap = new ExpiryHeap<string>();
    const dues = [50, 10, 40, 10, 30, 20, 60, 5];
    dues.forEach((due, i) => heap.push(due, `${due}#${i}`));
    const popped: number[] = [];
    while (heap.length > 0) {
      popped.push(heap.peekDue());
      heap.pop();
    }
    expect(popped).toEqual([...dues].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekDue()).toBe(Infinity);
  });
});
