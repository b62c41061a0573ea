import { describe, expect, it } from 'vitest';
import { reportMarkdown } from './report-markdown.js';
import { SAMPLE_REPORT } from '../testing/sample-report.js';

describe('reportMarkdown', () => {
  it('renders findings, a narrative table with escaped cells, fenced commands and risks', () => {
    const md = reportMarkdown(SAMPLE_REPORT, 'bundle.tgz');
    expect(md).toContain('## 1. Out-of-window packet marked INVALID skips NAT and draws a RST');
    expect(md).toContain('- **Confidence:** 98 %');
    expect(md).toContain(
      '| 2026-01-14T10:00:05.123456Z | the segment is INVALID | `capture.pcap packet 10`: PSH,ACK |',
    );
    expect(md).toContain('- `capture.pcap packet 11`: bare RST | no ACK');
    expect(md).toContain(
      '```shell\niptables -t mangle -I PREROUTING -m conntrack --ctstate INVALID -j DROP\n```',
    );
    expect(md).toContain('*Simulated:* removes failure: packet 10 is dropped');
    expect(md).toContain('## Latent risks');
    expect(md).toContain('- `broken.txt` (ss): broken.txt:3: not ss output');
  });
});
