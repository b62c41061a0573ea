import { describe, expect, it } from 'vitest';
import type { MatchInput } from '@netmortem/matcher';
import { labFixtures, loadLabFixture, type LabFixture } from './lab-fixtures.js';

/**
 * The detector's spec over the labs' real-kernel bundles: its own lab's variants give a
 * candidate at or above 0.5 on the lab's failing flow, with evidence and a narrative; every
 * healthy lab gives it nothing at 0.5 or above.
 */
/** Structural, so a spec can pass the detector and context from the library's sources. */
interface DetectorUnderTest<C> {
  readonly rootCause: string;
  detect(context: C): readonly {
    readonly weighing: { readonly confidence: number; readonly evidence: readonly unknown[] };
    readonly summary: string;
    readonly flow?: { readonly client: string };
  }[];
}

export function describeDetectorOnLabs<C>(
  detector: DetectorUnderTest<C>,
  contextOf: (input: MatchInput) => C,
  lab: string = detector.rootCause,
): void {
  const own = labFixtures(lab);
  const healthy = labFixtures().filter((f) => f.rootCause === null);

  describe(`${detector.rootCause} on the recorded lab bundles`, () => {
    it('has its lab’s bundles and the healthy ones to check against', () => {
      expect(own.length).toBeGreaterThanOrEqual(2);
      expect(healthy.length).toBeGreaterThanOrEqual(6);
    });

    it.each(own.map((f) => [f.variant, f] as const))(
      'recognises %s on the failing flow',
      async (_variant, fixture: LabFixture) => {
        const candidates = detector.detect(contextOf(await loadLabFixture(fixture)));
        const best = [...candidates].sort(
          (a, b) => b.weighing.confidence - a.weighing.confidence,
        )[0];
        expect(best?.weighing.confidence ?? 0).toBeGreaterThanOrEqual(0.5);
        expect(best!.weighing.evidence.length).toBeGreaterThan(0);
        expect(best!.summary.length).toBeGreaterThan(20);
        if (fixture.flow) expect(best!.flow?.client).toBe(fixture.flow.client);
      },
      60_000,
    );

    it.each(healthy.map((f) => [`${f.lab}/${f.variant}`, f] as const))(
      'stays below 0.5 on %s',
      async (_name, fixture: LabFixture) => {
        const candidates = detector.detect(contextOf(await loadLabFixture(fixture)));
        expect(
          candidates.filter((c) => c.weighing.confidence >= 0.5).map((c) => c.summary),
        ).toEqual([]);
      },
      60_000,
    );
  });
}
