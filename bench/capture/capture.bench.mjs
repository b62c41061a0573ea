// Capture benchmark (issue 3): `netmortem inspect` (full flow analysis, JSON out) vs `tshark -q -z conv,tcp` and vs a bare
// decode-and-flow-table loop, on two >= 1 GiB captures of real namespace traffic, plus the
// peak memory of a 100 MiB capture for the scaling ratio. Every figure is a whole child
// process: wall time from spawn to exit (best of N), peak RSS from the kernel's rusage
// (ru_maxrss, i.e. the child's VmHWM at exit) as reported by GNU time.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureCaptures } from './build-captures.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `command` to completion; resolves with wall seconds, peak RSS (MiB) and stdout. */
function measure(command, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data.toString()));
    child.stderr.on('data', (data) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0)
        return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
      const kib = Number(stderr.trim().split('\n').at(-1));
      resolve({ seconds, peakRssMiB: kib / 1024, stdout });
    });
  });
}

/** `netmortem inspect <capture> --format json`, exactly as a person runs it (minus the re-exec). */
function inspectArgs(flags, file) {
  return [
    ...flags,
    `${root}apps/cli/dist/main.js`,
    'inspect',
    file,
    '--format',
    'json',
    '--no-progress',
  ];
}

function inspectSummary(stdout) {
  const result = JSON.parse(stdout);
  return { packets: result.captures[0]?.packets ?? 0, flows: result.flows.length };
}

function best(results) {
  return results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const round = (value, digits = 3) => Number(value.toFixed(digits));

/**
 * Measures one capture: tshark (tsharkRuns times), then the bare loop and the full
 * analysis alternately (runs times each, so drift hits both alike).
 */
async function benchCapture(file, { runs, tsharkRuns, skipTshark, log, analysisFlags }) {
  const name = file.split('/').pop();
  log(`bench: ${name}`);
  const tshark = [];
  if (!skipTshark) {
    for (let i = 0; i < tsharkRuns; i++) {
      tshark.push(await measure('tshark', ['-r', file, '-q', '-z', 'conv,tcp']));
      log(
        `  tshark conv,tcp: ${round(tshark.at(-1).seconds, 2)} s, ${Math.round(tshark.at(-1).peakRssMiB)} MiB`,
      );
    }
  }
  const bare = [];
  const full = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await measure(process.execPath, [`${here}bare-loop.mjs`, file]));
    full.push(await measure(process.execPath, inspectArgs(analysisFlags, file)));
    log(
      `  bare loop ${round(bare.at(-1).seconds, 2)} s / ${Math.round(bare.at(-1).peakRssMiB)} MiB, ` +
        `full analysis ${round(full.at(-1).seconds, 2)} s / ${Math.round(full.at(-1).peakRssMiB)} MiB`,
    );
  }
  // The same analysis with V8's default heap settings, for the memory figure only.
  const defaults =
    analysisFlags.length === 0 ? full : [await measure(process.execPath, inspectArgs([], file))];
  const bareBest = best(bare);
  const fullBest = best(full);
  const summary = inspectSummary(fullBest.stdout);
  const counts = JSON.parse(bareBest.stdout);
  const tsharkBest = tshark.length > 0 ? best(tshark) : undefined;
  return {
    file,
    bytes: statSync(file).size,
    packets: summary.packets,
    flows: summary.flows,
    bareLoopFlows: counts.flows,
    tshark: tsharkBest && {
      seconds: round(tsharkBest.seconds),
      peakRssMiB: round(tsharkBest.peakRssMiB, 1),
    },
    bareLoop: {
      seconds: round(bareBest.seconds),
      peakRssMiB: round(Math.max(...bare.map((r) => r.peakRssMiB)), 1),
    },
    analysis: {
      seconds: round(fullBest.seconds),
      peakRssMiB: round(Math.max(...full.map((r) => r.peakRssMiB)), 1),
      peakRssDefaultHeapMiB: round(Math.max(...defaults.map((r) => r.peakRssMiB)), 1),
    },
    speedupVsTshark: tsharkBest && round(tsharkBest.seconds / fullBest.seconds, 1),
    ratioVsBareLoop: round(fullBest.seconds / bareBest.seconds, 2),
  };
}

/**
 * Builds (or reuses) the captures, measures, and returns the figures with the targets of
 * issue 3 checked: >= 20x faster than tshark conv,tcp and <= 2.5x the bare loop on each
 * capture; peak RSS < 256 MiB and < 1.5x the 100 MiB capture's.
 */
export async function runCaptureBench(options = {}) {
  const {
    outDir = `${root}bench/out`,
    runs = 3,
    tsharkRuns = 1,
    skipTshark = false,
    log = (line) => process.stderr.write(`${line}\n`),
    // V8 heap settings for a long streaming job: a small young generation (the analysis
    // allocates little, all of it short-lived, so V8's default of growing to 16 MiB
    // semi-spaces over a long run only adds resident memory) and no allocation-site
    // pretenuring (which, depending on timing, sends per-flow report objects straight to
    // the old generation, where they pile up until a full collection). Recommended for
    // `netmortem inspect` and the worker; the figures with V8's defaults are kept too.
    analysisFlags = ['--max-semi-space-size=2', '--no-allocation-site-pretenuring'],
  } = options;
  const files = await ensureCaptures({ outDir, ...options.sizes });
  const settings = { runs, tsharkRuns, skipTshark, outDir, log, analysisFlags };
  const fullPackets = await benchCapture(files.full, settings);
  const snaplen128 = await benchCapture(files.headers, settings);
  log('bench: 100 MiB capture (memory scaling)');
  const small = [];
  for (let i = 0; i < runs; i++)
    small.push(await measure(process.execPath, inspectArgs(analysisFlags, files.small)));
  const smallRss = Math.max(...small.map((r) => r.peakRssMiB));
  const smallDefault = await measure(process.execPath, inspectArgs([], files.small));
  const peak1GiB = Math.max(fullPackets.analysis.peakRssMiB, snaplen128.analysis.peakRssMiB);
  const figures = {
    captures: { fullPackets, snaplen128 },
    memory: {
      analysisFlags,
      peakRss1GiBMiB: round(peak1GiB, 1),
      peakRss100MiBMiB: round(smallRss, 1),
      ratio1GiBTo100MiB: round(peak1GiB / smallRss, 2),
      defaultHeap: {
        peakRss1GiBMiB: round(
          Math.max(
            fullPackets.analysis.peakRssDefaultHeapMiB,
            snaplen128.analysis.peakRssDefaultHeapMiB,
          ),
          1,
        ),
        peakRss100MiBMiB: round(smallDefault.peakRssMiB, 1),
      },
    },
  };
  const speedups = [fullPackets.speedupVsTshark, snaplen128.speedupVsTshark];
  figures.targets = {
    speedupVsTsharkAtLeast20: skipTshark ? null : speedups.every((s) => s >= 20),
    ratioVsBareLoopAtMost2_5: [fullPackets, snaplen128].every((c) => c.ratioVsBareLoop <= 2.5),
    peakRssUnder256MiB: peak1GiB < 256,
    peakRssUnder1_5xOf100MiB: peak1GiB < 1.5 * smallRss,
  };
  return figures;
}
