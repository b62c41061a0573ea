import { describe, expect, it } from 'vitest';
import { HostSettings } from './host-settings.js';

describe('HostSettings', () => {
  const kernel = {
    locator: { artifact: 'uname.txt', line: 1 },
    release: '5.15.0-91-generic',
    version: [5, 15, 0] as const,
    raw: 'Linux n1 5.15.0-91-generic',
  };

  it('prefers the bundle’s value, pointing at its line', () => {
    const s = new HostSettings(
      [
        {
          locator: { artifact: 'sysctl.txt' },
          values: { 'net.ipv4.tcp_fin_timeout': ' 30 ' },
          lines: { 'net.ipv4.tcp_fin_timeout': 12 },
        },
      ],
      [kernel],
    );
    expect(s.get('net.ipv4.tcp_fin_timeout')).toMatchObject({
      value: '30',
      observed: true,
      pointer: { locator: 'line 12' },
    });
    expect(s.number('net.ipv4.tcp_fin_timeout')).toBe(30);
  });

  it('fills gaps with kernel defaults, marked as not observed', () => {
    const s = new HostSettings([], [kernel]);
    expect(s.get('net.netfilter.nf_conntrack_tcp_be_liberal')).toEqual({
      value: '0',
      observed: false,
    });
    expect(s.get('net.netfilter.nf_conntrack_max')).toBeUndefined();
    expect(s.number('net.ipv4.ip_local_port_range')).toBe(32768);
  });

  it('chooses the kernel profile from uname', () => {
    expect(new HostSettings([], [kernel]).profile.id).toBe('5.14-6.1');
    expect(new HostSettings([], [kernel]).kernelAtLeast(6, 2)).toBe(false);
    expect(new HostSettings([], []).kernelAtLeast(6, 2)).toBeUndefined();
  });
});
