import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget.js';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import { DEFAULT_UNPACK_LIMITS, RATIO_GRACE_BYTES } from './unpack-limits.js';

function codeOf(action: () => void): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof BundleError) return error.code;
    throw error;
  }
  return undefined;
}

describe(ByteBudget.name, () => {
  it('should let small, highly compressible data through the ratio check', () => {
    const budget = new ByteBudget(DEFAULT_UNPACK_LIMITS, 'b.tgz');
    budget.noteSourceBytes(100);
    expect(codeOf(() => budget.noteInflation(RATIO_GRACE_BYTES - 100))).toBeUndefined();
    expect(codeOf(() => budget.noteInflation(1))).toBe(BundleErrorCode.CompressionRatio);
  });

  it('should judge the ratio on expanded bytes against bytes read', () => {
    const budget = new ByteBudget({ ...DEFAULT_UNPACK_LIMITS, maxCompressionRatio: 10 }, 'b.tgz');
    budget.noteSourceBytes(1024 * 1024);
    budget.noteInflation(-1024 * 1024);
    expect(codeOf(() => budget.noteInflation(10 * 1024 * 1024))).toBeUndefined();
    expect(codeOf(() => budget.noteInflation(1))).toBe(BundleErrorCode.CompressionRatio);
  });

  it('should meter each entry and the whole bundle', () => {
    const budget = new ByteBudget(
      { ...DEFAULT_UNPACK_LIMITS, maxEntryBytes: 10, maxTotalBytes: 15 },
      'b.zip',
    );
    const first = budget.meterEntry('a');
    expect(codeOf(() => first(10))).toBeUndefined();
    expect(codeOf(() => first(1))).toBe(BundleErrorCode.EntryTooLarge);
    const second = budget.meterEntry('b');
    expect(codeOf(() => second(4))).toBeUndefined();
    expect(codeOf(() => second(2))).toBe(BundleErrorCode.TotalTooLarge);
    expect(codeOf(() => budget.admitDeclaredSize('c', 11))).toBe(BundleErrorCode.EntryTooLarge);
  });
});
