import { describe, expect, it } from 'vitest';
import { UniquePaths } from './unique-paths.js';

describe(UniquePaths.name, () => {
  it('should suffix later duplicates before the extension', () => {
    const paths = new UniquePaths();
    expect(paths.claim('a/ss.txt')).toBe('a/ss.txt');
    expect(paths.claim('a/ss.txt')).toBe('a/ss~2.txt');
    expect(paths.claim('a/ss.txt')).toBe('a/ss~3.txt');
    expect(paths.claim('a/.bashrc')).toBe('a/.bashrc');
    expect(paths.claim('a/.bashrc')).toBe('a/.bashrc~2');
    expect(paths.claim('v1.2/dump')).toBe('v1.2/dump');
    expect(paths.claim('v1.2/dump')).toBe('v1.2/dump~2');
  });

  it('should not collide with a real name that looks like a suffixed one', () => {
    const paths = new UniquePaths();
    expect(paths.claim('ss~2.txt')).toBe('ss~2.txt');
    expect(paths.claim('ss.txt')).toBe('ss.txt');
    expect(paths.claim('ss.txt')).toBe('ss~3.txt');
  });

  it('should stay fast with thousands of identical names', () => {
    const paths = new UniquePaths();
    for (let index = 0; index < 10_000; index += 1) paths.claim('same.txt');
    expect(paths.claim('same.txt')).toBe('same~10001.txt');
  });
});
