import type { Duplex } from 'node:stream';
import type { ByteBudget } from './byte-budget.js';
import { ByteTap } from './byte-tap.js';

/**
 * Wraps a decompressor with taps that report what it consumed and produced, which is what
 * the compression-ratio check needs whatever the nesting.
 */
export function inflationLayer(budget: ByteBudget, decompressor: Duplex): Duplex[] {
  return [
    new ByteTap((count) => budget.noteInflation(-count)),
    decompressor,
    new ByteTap((count) => budget.noteInflation(count)),
  ];
}
