import { describe, expect, it } from 'vitest';
import { evidenceLabel, evidenceTarget } from './evidence-locator';

describe('evidenceTarget', () => {
  it('should read packet and line locators', () => {
    expect(evidenceTarget('packet 812', 'capture.pcap')).toEqual({ kind: 'packet', packet: 812 });
    expect(evidenceTarget('line 14', 'ss.txt')).toEqual({ kind: 'line', line: 14 });
    expect(evidenceTarget(' Line 3 ', 'x')).toEqual({ kind: 'line', line: 3 });
  });

  it('should open captures at their first packet and other artifacts whole', () => {
    expect(evidenceTarget('', 'host/capture.pcapng')).toEqual({ kind: 'packet', packet: 1 });
    expect(evidenceTarget('', 'sysctl.txt')).toEqual({ kind: 'whole' });
  });
});

describe('evidenceLabel', () => {
  it('should start with the artifact path', () => {
    expect(evidenceLabel('capture.pcap', 'packet 812')).toBe('capture.pcap · packet 812');
    expect(evidenceLabel('sysctl.txt', '')).toBe('sysctl.txt');
  });
});
