// `npm run bench`: runs every benchmark in one go on this machine and writes
// bench/results.json (machine-readable) and bench/RESULTS.md (for people).
// `--only spine,capture,text` runs a subset (the others keep their previous figures).
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runAnalyzeBench } from './analyze/analyze.bench.mjs';
import { runCaptureBench } from './capture/capture.bench.mjs';
import { runDashboardBench } from './dashboard/dashboard.bench.mjs';
import { runSimulatorBench } from './simulator/simulator.bench.mjs';
import { runSpineBench } from './spine.bench.mjs';
import { runConntrackEventsBench } from './text/conntrack-events.bench.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.includes('--only')
  ? new Set(process.argv[process.argv.indexOf('--only') + 1].split(','))
  : undefined;
const wanted = (name) => !only || only.has(name);
const previous = existsSync(`${here}results.json`)
  ? JSON.parse(readFileSync(`${here}results.json`, 'utf8'))
  : {};
const results = {
  ...previous,
  measuredAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
  },
};
const log = (line) => process.stderr.write(`${line}\n`);

if (wanted('spine')) {
  log('bench: service spine (upload memory, upload → running)…');
  results.spine = await runSpineBench();
}
if (wanted('capture')) {
  log('bench: captures (netmortem inspect vs tshark and a bare loop)…');
  const figures = await runCaptureBench({ log });
  const { fullPackets, snaplen128 } = figures.captures;
  results.capture = {
    speedupVsTshark: Math.min(fullPackets.speedupVsTshark, snaplen128.speedupVsTshark),
    peakRssMiB: figures.memory.peakRss1GiBMiB,
    ratioVsBareLoop: Math.max(fullPackets.ratioVsBareLoop, snaplen128.ratioVsBareLoop),
    ...figures,
  };
}
if (wanted('text')) {
  log('bench: conntrack -E parsing…');
  results.textParsers = { conntrackEvents: await runConntrackEventsBench() };
}

if (wanted('simulator')) {
  log('bench: simulator replay (packets per second on one core)…');
  results.simulator = await runSimulatorBench();
}

if (wanted('analyze')) {
  log('bench: netmortem analyze of a 100 MB bundle…');
  results.analyze = await runAnalyzeBench({ log });
}

if (wanted('dashboard')) {
  log('bench: dashboard pages in chromium (10,000 incidents, a 10,000-packet flow)…');
  results.dashboard = await runDashboardBench({ log });
}

await writeFile(`${here}results.json`, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(`${here}RESULTS.md`, render(results));
process.stdout.write(render(results));

function render(r) {
  const parts = [
    '# Benchmark results',
    '',
    `Measured ${r.measuredAt} on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}. Each section is rewritten when its benchmark runs.`,
  ];
  if (r.spine) {
    const s = r.spine;
    parts.push(
      '',
      '## Service spine (issue 2)',
      '',
      '| figure | measured | target |',
      '|---|---|---|',
      `| API peak RSS while receiving a 1 GiB upload | ${s.upload1GiB.apiPeakRssMiB} MiB (baseline ${s.upload1GiB.apiBaselineRssMiB} MiB) | < ${s.upload1GiB.targetPeakRssMiB} MiB |`,
      `| 1 GiB upload time | ${s.upload1GiB.seconds} s (${s.upload1GiB.throughputMiBps} MiB/s) | — |`,
      `| upload response → analysis RUNNING, p50 / p95 / max over ${s.uploadToRunning.uploads} | ${s.uploadToRunning.p50Ms} / ${s.uploadToRunning.p95Ms} / ${s.uploadToRunning.maxMs} ms | < ${s.uploadToRunning.targetMs} ms |`,
    );
  }
  if (r.capture) {
    const c = r.capture;
    const row = (label, x) =>
      `| ${label} | ${(x.bytes / 2 ** 30).toFixed(2)} GiB, ${x.packets.toLocaleString('en')} packets, ${x.flows.toLocaleString('en')} flows | ${x.tshark ? `${x.tshark.seconds} s` : '—'} | ${x.bareLoop.seconds} s | ${x.analysis.seconds} s / ${Math.round(x.analysis.peakRssMiB)} MiB | ${x.speedupVsTshark ?? '—'}x | ${x.ratioVsBareLoop}x |`;
    parts.push(
      '',
      '## Captures: `netmortem inspect --format json` (issue 3)',
      '',
      '| capture | size | tshark -z conv,tcp | bare loop (ceiling) | inspect | vs tshark (≥ 20x) | vs bare loop (≤ 2.5x) |',
      '|---|---|---|---|---|---|---|',
      row('full packets', c.captures.fullPackets),
      row('snaplen 128', c.captures.snaplen128),
      '',
      `Peak RSS: ${c.memory.peakRss1GiBMiB} MiB on the 1 GiB captures (target < 256), ${c.memory.peakRss100MiBMiB} MiB on 100 MiB, ratio ${c.memory.ratio1GiBTo100MiB} (target < 1.5). With V8's default heap settings: ${c.memory.defaultHeap.peakRss1GiBMiB} / ${c.memory.defaultHeap.peakRss100MiBMiB} MiB (the CLI and the workers run with ${c.memory.analysisFlags.join(' ')}).`,
    );
  }
  if (r.textParsers) {
    const t = r.textParsers.conntrackEvents;
    const rate = (f) =>
      `${(f.linesPerSecond / 1e6).toFixed(2)} M lines/s, peak ${f.peakRssMiB} MiB`;
    parts.push(
      '',
      '## Text parsers: `conntrack -E -o timestamp` (issue 3)',
      '',
      `${t.lines.toLocaleString('en')} lines (${t.fileMiB} MiB), target 1 M lines/s.`,
      '',
      '| run | figure |',
      '|---|---|',
      `| parse, first 1 M events kept as objects | ${rate(t.kept)} |`,
      `| parse, 10 000 kept (memory bounded) | ${rate(t.streamed)} |`,
      `| line reader alone (ceiling) | ${rate(t.lineReaderOnly)} |`,
      `| line reader + one pass over every character | ${rate(t.lineReaderPlusOneCharPass)} |`,
      '',
      `Load average during the run: ${t.loadAverage.join(' ')}.`,
    );
  }
  if (r.simulator) {
    const s = r.simulator;
    const row = (label, x) =>
      `| ${label} | ${x.packets.toLocaleString('en')} | ${x.seconds} s / ${x.cpuSeconds} s | ${(x.packetsPerSecond / 1e6).toFixed(2)} M / ${(x.packetsPerCpuSecond / 1e6).toFixed(2)} M | ${(x.jsonPacketsPerSecond / 1e6).toFixed(2)} M |`;
    parts.push(
      '',
      '## Simulator: replay loop, packets already decoded (issue 4)',
      '',
      `Target ${(s.targetPacketsPerSecond / 1e6).toFixed(0)} M packets/s on one core. Wall time / this process's CPU time, best of 3.`,
      '',
      '| stream | packets | wall / CPU | packets/s wall / CPU | verdict JSON packets/s |',
      '|---|---|---|---|---|',
      row(
        `synthetic kube-proxy node (${s.syntheticNode.services} services × ${s.syntheticNode.endpointsPerService} endpoints)`,
        s.syntheticNode,
      ),
      row(`${s.repeatedExample.source}, repeated`, s.repeatedExample),
      '',
      `Load average during the run: ${s.loadAverage.join(' ')}.`,
    );
  }
  if (r.analyze) {
    const a = r.analyze;
    parts.push(
      '',
      '## `netmortem analyze` of a 100 MB bundle (issue 5)',
      '',
      `A recorded lab bundle plus a 100 MiB capture of real namespace traffic: ${a.bundleMiB} MiB, ${a.packets.toLocaleString('en')} packets, ${a.flows.toLocaleString('en')} flows. Whole CLI process, best of ${a.runs.length} (${a.runs.join(' s, ')} s).`,
      '',
      '| figure | measured | target |',
      '|---|---|---|',
      `| wall time | ${a.seconds} s | < ${a.targetSeconds} s |`,
      `| peak RSS | ${a.peakRssMiB} MiB | — |`,
      `| top finding | ${a.topFinding ?? 'none'} | ct-invalid-not-natted-rst |`,
      '',
      `Load average during the run: ${a.loadAverage.join(' ')}.`,
    );
  }
  if (r.dashboard) {
    const d = r.dashboard;
    const row = (label, x, target) =>
      `| ${label} | ${x.error ? `failed: ${x.error}` : `${x.bestMs} / ${x.medianMs} / ${x.worstMs} ms`} | ${x.medianDomContentLoadedMs ?? '—'} / ${x.medianFirstGraphqlRequestMs ?? '—'} ms | ${target ? `< ${target} ms` : '—'} |`;
    parts.push(
      '',
      '## Dashboard in chromium (issue 6)',
      '',
      `Navigation start until the page shows its working content, in a fresh browser context per run (no cache), best / median / worst of ${d.history.runs} after a warm-up. ${d.incidents.toLocaleString('en')} incidents in the database; the incident's finding is over a ${d.flowPackets.toLocaleString('en')}-packet flow.`,
      '',
      '| page | best / median / worst | median: document parsed / first GraphQL request | target |',
      '|---|---|---|---|',
      row('history (first rows and chart)', d.history, d.history.targetMs),
      row('incident (finding shown)', d.incident, d.incident.targetMs),
      row('incident, then ladder diagram of the flow drawn', d.ladderFromNavigation),
      ...(d.appShellFloor
        ? [row('floor: app shell + catalogue list (11 entries)', d.appShellFloor)]
        : []),
      '',
      `Load average during the run: ${d.loadAverage.join(' ')}.`,
    );
  }
  return `${parts.join('\n')}\n`;
}
