import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectKernelLog } from './kernel-log.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const folder = new URL('../__fixtures__/dmesg/', import.meta.url);

describe('detectKernelLog', () => {
  it.each(readdirSync(folder))('recognises every timestamp style: %s', (file) => {
    const detection = detectKernelLog(
      sampleText(new Uint8Array(readFileSync(new URL(file, folder)))),
    );
    expect(detection?.kind).toBe('dmesg');
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('does not take conntrack -o timestamp epoch stamps for seconds since boot', () => {
    const event =
      '[1700000000.123456] [NEW] tcp 6 120 SYN_SENT src=10.0.0.5 dst=10.0.0.6 sport=1 dport=2\n';
    expect(detectKernelLog(sample(event))).toBeUndefined();
  });

  it('leaves a syslog file mostly about other programs to the app-log detector', () => {
    const syslog = [
      'Jan 14 10:21:07 node-1 kubelet[912]: E0114 10:21:07.412093     912 prober.go:104] "Probe errored"',
      'Jan 14 10:21:08 node-1 containerd[640]: time="2026-01-14T10:21:08Z" level=info msg="stop"',
      'Jan 14 10:21:09 node-1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet',
    ];
    expect(detectKernelLog(sample(`${syslog.join('\n')}\n`))).toBeUndefined();
  });

  it('offers timestamp-less kernel messages (dmesg -t) as a weak candidate only', () => {
    const detection = detectKernelLog(
      sample(
        'nf_conntrack: table full, dropping packet\nIPv6: ADDRCONF(NETDEV_CHANGE): veth1: link becomes ready\n',
      ),
    );
    expect(detection?.kind).toBe('dmesg');
    expect(detection?.confidence).toBeLessThanOrEqual(0.5);
  });
});
