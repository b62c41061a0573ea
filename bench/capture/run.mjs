// `node bench/capture/run.mjs [--runs N] [--tshark-runs N] [--skip-tshark]`: builds or reuses
// the benchmark captures under bench/out/ (root only: it creates network namespaces),
// measures, prints a table and writes bench/out/capture-bench.json.
// Build the library first: npx tsc -b libs/evidence/tsconfig.build.json
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCaptureBench } from './capture.bench.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const figures = await runCaptureBench({
  runs: option('--runs', 3),
  tsharkRuns: option('--tshark-runs', 1),
  skipTshark: args.includes('--skip-tshark'),
});
const out = fileURLToPath(new URL('../out/capture-bench.json', import.meta.url));
writeFileSync(
  out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), ...figures }, null, 2)}\n`,
);

const row = (label, c) =>
  `| ${label} | ${(c.bytes / 2 ** 30).toFixed(2)} GiB, ${c.packets.toLocaleString('en')} packets, ${c.flows.toLocaleString('en')} flows | ` +
  `${c.tshark ? `${c.tshark.seconds} s / ${Math.round(c.tshark.peakRssMiB)} MiB` : '—'} | ` +
  `${c.bareLoop.seconds} s / ${Math.round(c.bareLoop.peakRssMiB)} MiB | ` +
  `${c.analysis.seconds} s / ${Math.round(c.analysis.peakRssMiB)} MiB | ` +
  `${c.speedupVsTshark ?? '—'}x | ${c.ratioVsBareLoop}x |`;
const { fullPackets, snaplen128 } = figures.captures;
process.stdout.write(
  [
    '| capture | size | tshark conv,tcp | bare loop | full analysis | vs tshark | vs bare loop |',
    '|---|---|---|---|---|---|---|',
    row('full packets', fullPackets),
    row('snaplen 128', snaplen128),
    '',
    `peak RSS: ${figures.memory.peakRss1GiBMiB} MiB on 1 GiB, ${figures.memory.peakRss100MiBMiB} MiB on 100 MiB (ratio ${figures.memory.ratio1GiBTo100MiB})`,
    `targets: ${JSON.stringify(figures.targets)}`,
    `written to ${out}`,
    '',
  ].join('\n'),
);
