import { describe, expect, it } from 'vitest';
import { labFixtures, loadLabFixture } from '@test/support/lab-fixtures.js';
import { analyzeEvidence, REPORT_FLOOR } from './analyze-evidence.js';
import { Weighing } from './scoring/weighing.js';
import type { Detector } from './detectors/detector.js';
import { emptyEvidenceSet } from '@netmortem/domain';

const fixture = (lab: string, variant: string) =>
  labFixtures(lab).find((f) => f.variant === variant)!;

/** A detector that proposes one candidate per weight list, for ranking tests. */
function fake(
  rootCause: string,
  weights: ('strong' | 'moderate' | 'weak')[],
  hint: string,
): Detector {
  return {
    rootCause,
    detect: () => {
      const w = new Weighing();
      for (const x of weights) w.for(x, { artifact: 'a', locator: '', note: x });
      return [
        {
          rootCause,
          weighing: w,
          summary: `${rootCause} happened`,
          narrative: [],
          nextEvidence: [hint],
        },
      ];
    },
  };
}

describe('analyzeEvidence', () => {
  it('ranks findings, drops guesses below the floor, and says how to separate close causes', async () => {
    const report = await analyzeEvidence(
      { evidence: emptyEvidenceSet() },
      {
        detectors: [
          fake('keepalive-idle-race', ['strong', 'moderate'], 'look at the idle timeout'),
          fake('tls-close-notify-unread-rst', ['strong', 'moderate'], 'look at Recv-Q'),
          fake('pmtu-blackhole', ['weak'], 'never shown'),
        ],
      },
    );
    expect(report.findings.map((f) => f.rootCause)).toEqual([
      'keepalive-idle-race',
      'tls-close-notify-unread-rst',
    ]);
    expect(report.findings.every((f) => f.confidence >= REPORT_FLOOR)).toBe(true);
    expect(report.findings[0]!.nextEvidence).toContain(
      'to rule out tls-close-notify-unread-rst: look at Recv-Q',
    );
    expect(report.findings[0]!.remediation.length).toBeGreaterThan(0);
    expect(report.findings[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names the cause of a lab bundle, with evidence, remediation proofs and coverage', async () => {
    const report = await analyzeEvidence(
      await loadLabFixture(fixture('ct-invalid-not-natted-rst', 'sidecar-redirect-full-artifacts')),
    );
    const [top] = report.findings;
    expect(top?.rootCause).toBe('ct-invalid-not-natted-rst');
    expect(top!.narrative.length).toBeGreaterThanOrEqual(3);
    expect(top!.remediation.find((r) => r.id === 'drop-invalid')?.proof?.verdict).toBe(
      'removes-failure',
    );
    expect(report.coverage).toMatchObject({ captures: 1, replayed: true, kernelProfile: '6.2+' });
    // The precondition is the finding here, so it is not repeated as a risk.
    expect(report.risks.map((r) => r.rootCause)).not.toContain('ct-invalid-not-natted-rst');
  });

  it('reports a healthy bundle’s preconditions as risks, never as findings', async () => {
    const report = await analyzeEvidence(
      await loadLabFixture(fixture('healthy-sidecar-redirect', 'inbound-redirect-full-artifacts')),
    );
    expect(report.findings).toEqual([]);
    expect(report.risks.map((r) => r.id)).toContain('invalid-not-dropped');
  });
});
