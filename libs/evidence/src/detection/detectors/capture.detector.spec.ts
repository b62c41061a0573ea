import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectCapture } from './capture.detector.js';

const fixture = (path: string) =>
  new Uint8Array(readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url)));

describe('detectCapture', () => {
  it.each([
    ['pcap/ethernet-usec-le.pcap', 'pcap', /microsecond, little-endian/],
    ['pcap/ethernet-usec-be.pcap', 'pcap', /microsecond, big-endian/],
    ['pcap/ethernet-nsec-le.pcap', 'pcap', /nanosecond, little-endian/],
    ['pcap/ethernet-nsec-be.pcap', 'pcap', /nanosecond, big-endian/],
    ['pcap/linux-sll2-any.pcap', 'pcap', /version 2\.4/],
    ['pcapng/ethernet-le.pcapng', 'pcapng', /little-endian/],
    ['pcapng/ethernet-be.pcapng', 'pcapng', /big-endian/],
  ])('%s is %s', (path, kind, reason) => {
    const detection = detectCapture(fixture(path));
    expect(detection?.kind).toBe(kind);
    expect(detection?.reason).toMatch(reason);
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.99);
  });

  it('still names a pcap whose header is cut short, with less certainty', () => {
    expect(detectCapture(Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 0x02]))).toMatchObject({
      kind: 'pcap',
      confidence: 0.9,
    });
  });

  it('requires the pcapng byte-order magic: "\\n\\r\\r\\n" alone is just text', () => {
    const text = new TextEncoder().encode('\n\r\r\nnot a capture, only blank lines\n');
    expect(detectCapture(text)).toBeUndefined();
    expect(detectCapture(fixture('pcapng/ethernet-le.pcapng').subarray(0, 8))).toBeUndefined();
  });

  it('ignores everything else', () => {
    expect(detectCapture(new Uint8Array(0))).toBeUndefined();
    expect(
      detectCapture(new TextEncoder().encode('ESTAB 0 0 10.0.0.1:1 10.0.0.2:2\n')),
    ).toBeUndefined();
  });
});
