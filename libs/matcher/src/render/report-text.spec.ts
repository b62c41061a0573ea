import { emptyEvidenceSet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { analyzeEvidence } from '../analyze-evidence.js';
import { SAMPLE_REPORT } from '../testing/sample-report.js';
import { reportText } from './report-text.js';

describe('reportText', () => {
  it('puts the verdict first, then why, then what to type', () => {
    const text = reportText(SAMPLE_REPORT, 'bundle.tgz');
    const order = [
      'ROOT CAUSE',
      'What happened:',
      'Evidence for:',
      'Evidence against:',
      'Fix, best first:',
      'To be sure, collect next:',
      'LATENT RISKS',
      'ARTIFACTS WITH PROBLEMS',
    ];
    const positions = order.map((heading) => text.indexOf(heading));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('id ct-invalid-not-natted-rst, confidence 98 %');
    expect(text).toContain('flow 10.1.0.5:41000 -> 10.1.0.9:8080 (NATed to 10.1.0.9:15006)');
    expect(text).toContain('10:00:05.123456  the segment is INVALID');
    expect(text).toContain('[simulated: removes failure]');
    expect(text).toContain(
      'iptables -t mangle -I PREROUTING -m conntrack --ctstate INVALID -j DROP',
    );
    expect(text).toContain('broken.txt (ss, failed): broken.txt:3: not ss output');
  });

  it('says plainly when nothing was found', async () => {
    const text = reportText(await analyzeEvidence({ evidence: emptyEvidenceSet() }), 'empty');
    expect(text).toContain('No known root cause found.');
    expect(text).toContain('kernel unknown');
  });
});
