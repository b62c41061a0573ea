import { describe, expect, it } from 'vitest';
import { sanitiseFilename } from './multipart-file.reader.js';

describe(sanitiseFilename.name, () => {
  it('should keep only a printable last path segment', () => {
    expect(sanitiseFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFilename('C:\\Users\\me\\bundle.tgz')).toBe('bundle.tgz');
    expect(sanitiseFilename('na\u0000me\r\n.txt')).toBe('name.txt');
    expect(sanitiseFilename('x'.repeat(400))).toHaveLength(255);
  });

  it('should fall back to a neutral name', () => {
    expect(sanitiseFilename(undefined)).toBe('bundle');
    expect(sanitiseFilename('dir/')).toBe('bundle');
  });
});
