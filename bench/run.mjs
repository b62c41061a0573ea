// `npm run bench`: runs every benchmark in one go on this machine and writes
// bench/results.json (machine-readable) and bench/RESULTS.md (for people).
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runSpineBench } from './spine.bench.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const results = {
  measuredAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
  },
};

process.stderr.write('bench: service spine (upload memory, upload → running)…\n');
results.spine = await runSpineBench();

await writeFile(`${here}results.json`, `${JSON.stringify(results, null, 2)}\n`);
const s = results.spine;
const md = `# Benchmark results

Measured ${results.measuredAt} on ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}.

## Service spine (issue 2)

| figure | measured | target |
|---|---|---|
| API peak RSS while receiving a 1 GiB upload | ${s.upload1GiB.apiPeakRssMiB} MiB (baseline ${s.upload1GiB.apiBaselineRssMiB} MiB) | < ${s.upload1GiB.targetPeakRssMiB} MiB |
| 1 GiB upload time | ${s.upload1GiB.seconds} s (${s.upload1GiB.throughputMiBps} MiB/s) | — |
| upload response → analysis RUNNING, p50 / p95 / max over ${s.uploadToRunning.uploads} | ${s.uploadToRunning.p50Ms} / ${s.uploadToRunning.p95Ms} / ${s.uploadToRunning.maxMs} ms | < ${s.uploadToRunning.targetMs} ms |
`;
await writeFile(`${here}RESULTS.md`, md);
process.stdout.write(md);
