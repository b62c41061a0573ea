import { describe, expect, it } from 'vitest';
import { conntrackSettingsFromSysctls, DEFAULT_CONNTRACK_SETTINGS } from './settings.js';

describe('conntrack settings', () => {
  it('defaults are the kernel defaults', () => {
    expect(DEFAULT_CONNTRACK_SETTINGS).toMatchObject({
      beLiberal: false,
      loose: true,
      ignoreInvalidRst: false,
      maxRetrans: 3,
    });
    expect(DEFAULT_CONNTRACK_SETTINGS.tcp).toEqual({
      synSent: 120,
      synRecv: 60,
      established: 432_000,
      finWait: 120,
      closeWait: 60,
      lastAck: 30,
      timeWait: 120,
      close: 10,
      synSent2: 120,
      retrans: 300,
      unacknowledged: 300,
    });
  });

  it('reads the net.netfilter.nf_conntrack_* sysctls', () => {
    const settings = conntrackSettingsFromSysctls({
      'net.netfilter.nf_conntrack_tcp_be_liberal': '1',
      'net.netfilter.nf_conntrack_tcp_loose': '0',
      'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst': '1',
      'net.netfilter.nf_conntrack_tcp_max_retrans': '5',
      'net.netfilter.nf_conntrack_max': '131072',
      'net.netfilter.nf_conntrack_tcp_timeout_established': '86400',
      'net.netfilter.nf_conntrack_tcp_timeout_close_wait': '3600',
      'net.netfilter.nf_conntrack_tcp_timeout_max_retrans': '120',
      'net.netfilter.nf_conntrack_tcp_timeout_unacknowledged': '90',
      'net.netfilter.nf_conntrack_udp_timeout_stream': '180',
      'net.netfilter.nf_conntrack_generic_timeout': '120',
      'net.ipv4.tcp_fin_timeout': '60',
    });
    expect(settings).toMatchObject({
      beLiberal: true,
      loose: false,
      ignoreInvalidRst: true,
      maxRetrans: 5,
      max: 131_072,
    });
    expect(settings).toMatchObject({ udpStreamTimeout: 180, genericTimeout: 120 });
    expect(settings.tcp).toMatchObject({
      established: 86_400,
      closeWait: 3600,
      retrans: 120,
      unacknowledged: 90,
      synSent: 120,
    });
    // The defaults object is not touched.
    expect(DEFAULT_CONNTRACK_SETTINGS.tcp.established).toBe(432_000);
  });

  it('accepts net.nf_conntrack_max and the old ip_conntrack names; ignores junk values', () => {
    const settings = conntrackSettingsFromSysctls({
      'net.nf_conntrack_max': '1000',
      'net.ipv4.netfilter.ip_conntrack_tcp_timeout_time_wait': '60',
      'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': 'abc',
    });
    expect(settings.max).toBe(1000);
    expect(settings.tcp.timeWait).toBe(60);
    expect(settings.tcp.finWait).toBe(120);
  });

  it('layers on a base', () => {
    const base = conntrackSettingsFromSysctls({ 'net.netfilter.nf_conntrack_tcp_be_liberal': '1' });
    const both = conntrackSettingsFromSysctls(
      { 'net.netfilter.nf_conntrack_tcp_loose': '0' },
      base,
    );
    expect(both).toMatchObject({ beLiberal: true, loose: false });
  });
});
