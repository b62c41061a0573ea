import { readFileSync } from 'node:fs';
import { kernelProfileFor } from '@netmortem/simulator';
import { describe, expect, it } from 'vitest';
import { isKnownDivergence } from './compare/known-divergences.js';
import { compareWithKernel } from './compare/run-differential.js';
import { fromFixture, toFixture, type VerdictFixture } from './compare/verdict-fixture.js';
import { generateSuite } from './sequences/generate-suite.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/kernel-6.18-verdicts.json', import.meta.url), 'utf8'),
) as VerdictFixture;

// The kernel's verdicts recorded by the lab (scripts/lab/conntrack-differential.mjs
// --write-fixture) let any machine hold the model against a real kernel without root.
describe(`the simulator against recorded verdicts of kernel ${fixture.kernelRelease}`, () => {
  const suite = generateSuite(fixture.suiteSeed);
  const run = fromFixture(fixture);

  it('was recorded from the suite as it is now (else: regenerate the fixture as root)', () => {
    expect(Object.keys(fixture.sequences).sort()).toEqual(suite.map((s) => s.id).sort());
    for (const sequence of suite)
      expect(fixture.sequences[sequence.id]).toHaveLength(sequence.segments.length);
    expect(fixture.warnings).toEqual([]);
  });

  it('round-trips through the fixture format', () => {
    expect(toFixture(run).sequences).toEqual(fixture.sequences);
  });

  it('agrees on ctinfo for every packet but the listed, understood divergences', async () => {
    const report = await compareWithKernel(suite, run, kernelProfileFor(fixture.kernelRelease));
    const unexplained = report.disagreements.filter(
      (d) => d.kinds.includes('ctinfo') && !isKnownDivergence(d.sequenceId),
    );
    expect(
      unexplained.map(
        (d) => `${d.sequenceId} #${d.packet}: kernel ${d.kernel.ctinfo} model ${d.model.ctinfo}`,
      ),
    ).toEqual([]);
    expect(report.ctinfo.compared).toBe(report.packets);
    const explainedCtinfo = report.disagreements.filter((d) => d.kinds.includes('ctinfo')).length;
    expect(report.ctinfo.agreed).toBe(report.ctinfo.compared - explainedCtinfo);
    // State and timer agreement are reported, not required; they must at least be measured.
    expect(report.state.compared).toBeGreaterThan(report.packets / 2);
    expect(report.timeout.compared).toBeGreaterThan(report.packets / 2);
  });
});
