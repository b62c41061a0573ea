import { describe, expect, it } from 'vitest';
import { readCookie } from './cookies.js';

describe(readCookie.name, () => {
  it('should find one cookie among several', () => {
    expect(readCookie('a=1; nm_session=nms_abc; b=2', 'nm_session')).toBe('nms_abc');
    expect(readCookie('nm_session=x%3Dy', 'nm_session')).toBe('x=y');
  });

  it('should return nothing for absent or undecodable cookies', () => {
    expect(readCookie(undefined, 'nm_session')).toBeUndefined();
    expect(readCookie('other=1', 'nm_session')).toBeUndefined();
    expect(readCookie('nm_session=%E0%A4%A', 'nm_session')).toBeUndefined();
  });
});
