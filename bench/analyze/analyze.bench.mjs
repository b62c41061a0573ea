// `netmortem analyze` of a 100 MB bundle (issue 5: under 5 s on this machine). The bundle is
// a recorded reproduction lab (the failure to find) plus a 100 MiB capture of real namespace
// traffic with loss and reordering (the haystack), measured as a user runs it: the CLI bin,
// a whole child process, wall time and peak RSS, best of N.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { MiB, ensureCaptures } from '../capture/build-captures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const LAB = `${root}test/fixtures/lab-bundles/ct-invalid-not-natted-rst/sidecar-redirect-full-artifacts`;
const TARGET_SECONDS = 5;

function measure(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    let stderr = '';
    child.stdout.on('data', (data) => out.push(data));
    child.stderr.on('data', (data) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`analyze exited ${code}: ${stderr.slice(-2000)}`));
      const kib = Number(stderr.trim().split('\n').at(-1));
      resolve({ seconds, peakRssMiB: kib / 1024, stdout: Buffer.concat(out).toString() });
    });
  });
}

export async function runAnalyzeBench({ runs = 3, log = () => {} } = {}) {
  const outDir = `${root}bench/out/analyze`;
  // A capture of about 105 MiB is enough: the bundle needs its first 100 MiB.
  const { small } = await ensureCaptures({
    outDir,
    fullBytes: 105 * MiB,
    headersBytes: 1 * MiB,
    smallBytes: 100 * MiB,
  });
  const bundle = `${outDir}/bundle-100mb`;
  rmSync(bundle, { recursive: true, force: true });
  mkdirSync(bundle, { recursive: true });
  cpSync(LAB, bundle, { recursive: true });
  cpSync(small, `${bundle}/node-any.pcap`);
  const bytes = readdirSync(bundle).reduce((sum, f) => sum + statSync(`${bundle}/${f}`).size, 0);
  const results = [];
  for (let i = 0; i < runs; i++) {
    results.push(
      await measure([`${root}apps/cli/bin/netmortem.js`, 'analyze', bundle, '--format', 'json']),
    );
    log(
      `  analyze: ${results.at(-1).seconds.toFixed(2)} s, ${Math.round(results.at(-1).peakRssMiB)} MiB`,
    );
  }
  const bestRun = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const report = JSON.parse(bestRun.stdout);
  return {
    bundleMiB: Number((bytes / MiB).toFixed(1)),
    packets: report.coverage.packets,
    flows: report.coverage.flows,
    topFinding: report.findings[0]?.rootCause ?? null,
    seconds: Number(bestRun.seconds.toFixed(2)),
    peakRssMiB: Math.round(bestRun.peakRssMiB),
    targetSeconds: TARGET_SECONDS,
    runs: results.map((r) => Number(r.seconds.toFixed(2))),
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}
