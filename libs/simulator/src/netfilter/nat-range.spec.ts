import { describe, expect, it } from 'vitest';
import { formatIpAddress } from './ip-address.js';
import {
  chooseAddress,
  choosePort,
  describeRange,
  parseNatRange,
  parsePortsRange,
} from './nat-range.js';

const show = (text: string, family: 4 | 6) => {
  const r = parseNatRange(text, family);
  if (!r) return undefined;
  return {
    min: r.minAddress && formatIpAddress(r.minAddress),
    max: r.maxAddress && formatIpAddress(r.maxAddress),
    ports: r.minPort === undefined ? undefined : [r.minPort, r.maxPort],
  };
};

describe('NAT ranges', () => {
  it('reads the forms iptables-save prints', () => {
    expect(show('10.244.1.5:8080', 4)).toEqual({
      min: '10.244.1.5',
      max: '10.244.1.5',
      ports: [8080, 8080],
    });
    expect(show('10.244.3.7-10.244.3.9:5300-5302', 4)).toEqual({
      min: '10.244.3.7',
      max: '10.244.3.9',
      ports: [5300, 5302],
    });
    expect(show('10.99.1.1', 4)).toEqual({ min: '10.99.1.1', max: '10.99.1.1', ports: undefined });
    expect(show('[fd77::2]:8080', 6)).toEqual({
      min: 'fd77::2',
      max: 'fd77::2',
      ports: [8080, 8080],
    });
    expect(show('[fd77::1-fd77::9]:80-90', 6)).toEqual({
      min: 'fd77::1',
      max: 'fd77::9',
      ports: [80, 90],
    });
    expect(show('fd77::2', 6)).toEqual({ min: 'fd77::2', max: 'fd77::2', ports: undefined });
    expect(show(':8080', 4)).toEqual({ min: undefined, max: undefined, ports: [8080, 8080] });
  });

  it('refuses the wrong family and garbage', () => {
    expect(parseNatRange('fd77::2', 4)).toBeUndefined();
    expect(parseNatRange('10.0.0.1', 6)).toBeUndefined();
    expect(parseNatRange('10.0.0.1:http', 4)).toBeUndefined();
    expect(parsePortsRange('30000-40000')).toEqual({ minPort: 30000, maxPort: 40000 });
    expect(parsePortsRange('x')).toBeUndefined();
  });

  it('keeps a port the range allows and otherwise takes its first, saying so', () => {
    const range = parsePortsRange('30000-40000')!;
    expect(choosePort(range, 35000)).toEqual({ port: 35000 });
    const moved = choosePort(range, 80);
    expect(moved.port).toBe(30000);
    expect(moved.approximate).toMatch(/30000-40000/);
    expect(choosePort(parsePortsRange('15006')!, 80)).toEqual({ port: 15006 });
    expect(choosePort({}, 80)).toEqual({});
  });

  it('takes the first address of a range and describes only wide ranges', () => {
    const wide = parseNatRange('10.244.3.7-10.244.3.9', 4)!;
    expect(chooseAddress(wide).address).toBe('10.244.3.7');
    expect(chooseAddress(wide).approximate).toMatch(/hash/);
    expect(describeRange(wide)).toEqual({ minAddress: '10.244.3.7', maxAddress: '10.244.3.9' });
    expect(describeRange(parseNatRange('10.0.0.1:80', 4)!)).toBeUndefined();
  });
});
