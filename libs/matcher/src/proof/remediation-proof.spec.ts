import { findBuiltinRootCause } from '@netmortem/catalogue';
import { describe, expect, it } from 'vitest';
import { labFixtures, loadLabFixture } from '@test/support/lab-fixtures.js';
import { MatchContext } from '../context/match-context.js';
import { ctInvalidNotNattedRstDetector } from '../detectors/ct-invalid-not-natted-rst.detector.js';
import { proveRemediation } from './remediation-proof.js';

describe('proveRemediation', () => {
  it('replays the bundle with each fix and checks the failing packet’s fate', async () => {
    const fixture = labFixtures('ct-invalid-not-natted-rst').find(
      (f) => f.variant === 'sidecar-redirect-full-artifacts',
    )!;
    const context = new MatchContext(await loadLabFixture(fixture));
    const [candidate] = ctInvalidNotNattedRstDetector.detect(context);
    const entry = findBuiltinRootCause('ct-invalid-not-natted-rst')!;
    const option = (id: string) => entry.remediation.find((o) => o.id === id)!;

    const drop = await proveRemediation(
      context,
      option('drop-invalid'),
      candidate!.failure,
      candidate!.flow,
    );
    expect(drop.verdict).toBe('removes-failure');
    expect(drop.detail).toMatch(/DROP/);

    const liberal = await proveRemediation(
      context,
      option('be-liberal'),
      candidate!.failure,
      candidate!.flow,
    );
    expect(liberal.verdict).toBe('removes-failure');
    expect(liberal.detail).toMatch(/ESTABLISHED/);

    // Without the failing packet there is nothing to prove.
    const none = await proveRemediation(context, option('drop-invalid'), undefined, undefined);
    expect(none.verdict).toBe('not-modelled');
  });

  it('says when the bundle’s host already runs with the change', async () => {
    const fixture = labFixtures('ephemeral-port-collision-challenge-ack')[0]!;
    const context = new MatchContext(await loadLabFixture(fixture));
    const proof = await proveRemediation(
      context,
      { id: 'k', title: 'k', steps: [], tradeoffs: [], whatIf: { kernel: '6.2+' } },
      undefined,
      undefined,
    );
    expect(proof.verdict).toBe('already-in-place');
    expect(proof.detail).toMatch(/is already 6\.2\+/);
  });

  it('says when a fix cannot be modelled', async () => {
    const context = new MatchContext({
      evidence: (await import('@netmortem/domain')).emptyEvidenceSet(),
    });
    const proof = await proveRemediation(
      context,
      { id: 'x', title: 'x', steps: [], tradeoffs: [] },
      undefined,
      undefined,
    );
    expect(proof).toEqual({
      verdict: 'not-modelled',
      detail: 'the simulator does not model this change',
    });
  });
});
