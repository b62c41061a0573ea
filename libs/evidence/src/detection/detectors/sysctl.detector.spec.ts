import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectSysctl } from './sysctl.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const folder = new URL('../__fixtures__/sysctl/', import.meta.url);

describe('detectSysctl', () => {
  it.each(readdirSync(folder))('recognises %s', (file) => {
    const detection = detectSysctl(sampleText(new Uint8Array(readFileSync(new URL(file, folder)))));
    expect(detection?.kind).toBe('sysctl');
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reads multi-value settings, empty values and interface names with slashes', () => {
    const text =
      'net.ipv4.ip_local_port_range = 32768\t60999\nkernel.domainname =\nnet.ipv4.conf.eth0/100.rp_filter = 1\n';
    expect(detectSysctl(sample(text))?.reason).toMatch(/^3 of 3/);
  });

  it('counts "cannot stat" errors for keys the kernel lacks as part of the output', () => {
    const text =
      'net.netfilter.nf_conntrack_tcp_be_liberal = 0\nsysctl: cannot stat /proc/sys/net/netfilter/nf_conntrack_tcp_ignore_invalid_rst: No such file or directory\n';
    expect(detectSysctl(sample(text))?.confidence).toBe(0.97);
  });

  it('gives dotted settings outside the kernel namespaces only a weak score', () => {
    const detection = detectSysctl(
      sample('spring.datasource.url = jdbc:postgresql://db/shop\nserver.port = 8080\n'),
    );
    expect(detection?.confidence).toBeLessThan(0.3);
  });

  it('ignores values printed without keys (sysctl -n)', () => {
    expect(detectSysctl(sample('0\n7200\n32768\t60999\n'))).toBeUndefined();
  });
});
