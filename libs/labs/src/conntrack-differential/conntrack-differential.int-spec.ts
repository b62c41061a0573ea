import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { compareWithKernel } from './compare/run-differential.js';
import { formatReport } from './compare/differential-report.js';
import { isKnownDivergence, KNOWN_DIVERGENCES, variantOf } from './compare/known-divergences.js';
import { REQUIRED_TOOLS, runKernelSuite } from './kernel/kernel-runner.js';
import { hasProgram } from '../shell/run-command.js';
import { DEFAULT_SUITE_SEED, generateSuite } from './sequences/generate-suite.js';

const missing = REQUIRED_TOOLS.filter((tool) => !hasProgram(tool));
// Skipped loudly on a developer machine that cannot run it; a failure on CI (requirement()).
const canRun = requirement(
  `root with ip netns and ${REQUIRED_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  process.getuid?.() === 0 && missing.length === 0,
);

describe("conntrack differential: the simulator against this machine's kernel", () => {
  it.skipIf(!canRun)(
    "agrees with netfilter conntrack on every packet's ctinfo",
    async () => {
      const suite = generateSuite(DEFAULT_SUITE_SEED);
      expect(suite.length).toBeGreaterThanOrEqual(300);
      const run = await runKernelSuite(suite, { suiteSeed: DEFAULT_SUITE_SEED, lanes: 2 });
      expect(run.warnings).toEqual([]);
      const report = await compareWithKernel(suite, run);
      // eslint-disable-next-line no-console -- the figures are the point of this suite
      console.info(formatReport(report, 30));
      const reportPath = process.env.NETMORTEM_CONNTRACK_REPORT;
      if (reportPath !== undefined && reportPath !== '')
        writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
      expect(report.missing).toBe(0);
      expect(report.ctinfo.compared).toBe(report.packets);
      expect(report.state.compared).toBeGreaterThan(report.packets / 2);
      expect(report.nat.compared).toBeGreaterThan(0);

      const unexplained = report.disagreements.filter(
        (d) => d.kinds.includes('ctinfo') && !isKnownDivergence(d.sequenceId),
      );
      expect(
        unexplained.map(
          (d) => `${d.sequenceId} #${d.packet}: kernel ${d.kernel.ctinfo} model ${d.model.ctinfo}`,
        ),
      ).toEqual([]);
      const explained = report.disagreements.filter((d) => isKnownDivergence(d.sequenceId));
      const known =
        report.ctinfo.compared - explained.filter((d) => d.kinds.includes('ctinfo')).length;
      expect(report.ctinfo.agreed).toBe(known);
      const stillDiverging = new Set(explained.map((d) => variantOf(d.sequenceId)));
      for (const { variant } of KNOWN_DIVERGENCES)
        if (!stillDiverging.has(variant))
          // eslint-disable-next-line no-console -- a reminder, not a failure
          console.warn(
            `known divergence ${variant} no longer diverges on ${release()}: remove it from the list`,
          );
    },
    170_000,
  );
});
