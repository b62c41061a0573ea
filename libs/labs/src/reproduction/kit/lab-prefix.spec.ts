import { describe, expect, it } from 'vitest';
import { isStaleLabNamespace, newLabPrefix, parseNamespaceList } from './lab-prefix.js';

describe('lab namespace names', () => {
  it('carry the owning pid so a sweep can tell stale from busy', () => {
    const prefix = newLabPrefix();
    expect(prefix).toMatch(new RegExp(`^nmlab-p${process.pid}-[0-9a-f]{4}$`));
    const alive = (pid: number) => pid === 42;
    expect(isStaleLabNamespace('nmlab-p42-ab12-router', alive)).toBe(false);
    expect(isStaleLabNamespace('nmlab-p43-ab12-router', alive)).toBe(true);
    // Someone else's naming: never touched.
    expect(isStaleLabNamespace('nmlab-catsyn', alive)).toBe(false);
    expect(isStaleLabNamespace('nmdiff-1-rtr', alive)).toBe(false);
  });

  it('reads `ip netns list` with and without ids', () => {
    expect(parseNamespaceList('nmlab-p1-aa-pod (id: 3)\nnmlab-p1-aa-client\n\n')).toEqual([
      'nmlab-p1-aa-pod',
      'nmlab-p1-aa-client',
    ]);
  });
});
