import { describe, expect, it } from 'vitest';
import { kernelVersionOf, versionAtLeast } from './endpoint-kernel.js';

describe('kernel release strings', () => {
  it('reads major.minor from uname -r forms', () => {
    expect(kernelVersionOf('5.15.0-91-generic')).toEqual({ major: 5, minor: 15 });
    expect(kernelVersionOf(' 6.18.44-fc-v669\n')).toEqual({ major: 6, minor: 18 });
    expect(kernelVersionOf('unknown')).toBeUndefined();
  });

  it('compares versions', () => {
    expect(versionAtLeast({ major: 6, minor: 0 }, 6, 0)).toBe(true);
    expect(versionAtLeast({ major: 5, minor: 19 }, 6, 0)).toBe(false);
    expect(versionAtLeast({ major: 4, minor: 9 }, 4, 7)).toBe(true);
  });
});
