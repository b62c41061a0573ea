import { describe, expect, it } from 'vitest';
import { lastKernelStamp, linesAfter } from './kernel-log.js';

const LOG = [
  '[  740.100000] eth0: entered promiscuous mode',
  '[  746.401073] nf_conntrack: nf_conntrack: table full in netns 4026532315, dropping packet',
  '[  746.912148] ------------[ cut here ]------------',
  'continuation without a stamp',
  '[  747.191251] eth0: left promiscuous mode',
  '',
].join('\n');

describe('kernel log since the lab started', () => {
  it('remembers the last stamp seen', () => {
    expect(lastKernelStamp(LOG)).toBe(747.191251);
    expect(lastKernelStamp('')).toBe(0);
  });

  it('keeps the lines written after it, unstamped continuations with their line', () => {
    expect(linesAfter(LOG, 740.1)).toEqual([1, 2, 3, 4]);
    expect(linesAfter(LOG, 746.5)).toEqual([2, 3, 4]);
    expect(linesAfter(LOG, 747.191251)).toEqual([]);
  });
});
