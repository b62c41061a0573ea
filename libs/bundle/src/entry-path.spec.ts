import { describe, expect, it } from 'vitest';
import { BundleError, BundleErrorCode } from './bundle.error.js';
import { normaliseEntryPath, singleFileEntryName, stripGzipSuffix } from './entry-path.js';

const normalise = (raw: string, maxDepth = 32) => normaliseEntryPath(raw, 'bundle.tgz', maxDepth);

function refusal(raw: string, maxDepth = 32): BundleError {
  try {
    normalise(raw, maxDepth);
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  throw new Error(`${raw} was accepted`);
}

describe(normaliseEntryPath.name, () => {
  it('should keep ordinary relative paths and drop "." and empty segments', () => {
    expect(normalise('node-a/ss.txt')).toBe('node-a/ss.txt');
    expect(normalise('./node-a//ss.txt')).toBe('node-a/ss.txt');
    expect(normalise('./')).toBe('');
    expect(normalise('a..b/...')).toBe('a..b/...');
  });

  it('should read backslashes as separators', () => {
    expect(normalise('node-a\\ss.txt')).toBe('node-a/ss.txt');
  });

  it('should refuse traversal with a message naming the bundle and the entry', () => {
    const error = refusal('../../etc/passwd');
    expect(error.code).toBe(BundleErrorCode.PathTraversal);
    expect(error.message).toBe(
      'bundle.tgz: entry "../../etc/passwd" escapes the bundle (path traversal)',
    );
    expect(refusal('a/../../b').code).toBe(BundleErrorCode.PathTraversal);
    expect(refusal('a\\..\\..\\b').code).toBe(BundleErrorCode.PathTraversal);
  });

  it('should refuse absolute paths, drive letters and UNC paths', () => {
    expect(refusal('/etc/passwd').code).toBe(BundleErrorCode.AbsolutePath);
    expect(refusal('C:\\Windows\\win.ini').code).toBe(BundleErrorCode.AbsolutePath);
    expect(refusal('c:relative').code).toBe(BundleErrorCode.AbsolutePath);
    expect(refusal('\\\\server\\share').code).toBe(BundleErrorCode.AbsolutePath);
  });

  it('should refuse NUL bytes and paths deeper than the limit', () => {
    expect(refusal('ss.txt\0.pcap').code).toBe(BundleErrorCode.InvalidPath);
    expect(refusal('a/b/c/d', 3).code).toBe(BundleErrorCode.PathTooDeep);
    expect(normalise('a/b/c', 3)).toBe('a/b/c');
  });

  it('should bound the quoted name in messages', () => {
    const error = refusal(`${'a/'.repeat(500)}../x`);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe(stripGzipSuffix.name, () => {
  it('should drop .gz and turn .tgz into .tar', () => {
    expect(stripGzipSuffix('node-a/capture.pcap.gz')).toBe('node-a/capture.pcap');
    expect(stripGzipSuffix('logs.TGZ')).toBe('logs.tar');
    expect(stripGzipSuffix('capture.pcap')).toBe('capture.pcap');
    expect(stripGzipSuffix('dir/.gz')).toBe('dir/.gz');
  });
});

describe(singleFileEntryName.name, () => {
  it('should use the base name of the upload, without .gz when decompressed', () => {
    expect(singleFileEntryName('capture.pcap.gz', true)).toBe('capture.pcap');
    expect(singleFileEntryName('C:\\Users\\me\\ss.txt', false)).toBe('ss.txt');
    expect(singleFileEntryName('../', false)).toBe('bundle');
  });
});
