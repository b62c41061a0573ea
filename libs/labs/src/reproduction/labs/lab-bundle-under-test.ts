import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLab, type LabRunResult } from '../run-lab.js';
import { nstatCounter } from './bundle-text.js';
import { readPrintedCapture, unhealthySigns, type PrintedPacket } from './tcpdump-text.js';

/** A lab variant run into a temporary bundle, with readers for its raw artifacts. */
export interface BundleUnderTest {
  readonly result: LabRunResult;
  readonly files: string[];
  read(name: string): string;
  capture(name: string): PrintedPacket[];
  /** Every capture in the bundle, packets in file order. */
  captures(): PrintedPacket[];
  /** Removes the bundle unless NETMORTEM_KEEP_LAB_BUNDLES=1 asks to keep it for a person. */
  cleanup(): void;
}

/** Runs one variant for an integration spec. */
export async function runBundleUnderTest(lab: string, variant: string): Promise<BundleUnderTest> {
  const dir = mkdtempSync(path.join(tmpdir(), `nmlab-${lab}-`));
  const bundle = path.join(dir, variant);
  const result = await runLab(lab, { variant, outDir: bundle });
  const files = readdirSync(bundle);
  const capture = (name: string) => readPrintedCapture(path.join(bundle, name));
  return {
    result,
    files,
    read: (name) => readFileSync(path.join(bundle, name), 'utf8'),
    capture,
    captures: () => files.filter((f) => f.endsWith('.pcap')).flatMap(capture),
    cleanup: () => {
      if (process.env.NETMORTEM_KEEP_LAB_BUNDLES !== '1')
        rmSync(dir, { recursive: true, force: true });
    },
  };
}

const FAILURE_WORDS =
  /reset by peer|timed out|i\/o timeout|timeout awaiting|deadline exceeded|: EOF|broken pipe/;

/**
 * Everything in a healthy bundle that would point at a failure: resets or retransmissions in
 * its captures, failure words in its logs, accept-queue overflows or SYN retransmits in nstat.
 */
export function healthProblems(
  bundle: BundleUnderTest,
  options: { refusedPorts?: readonly number[] } = {},
): string[] {
  const problems = unhealthySigns(bundle.captures(), options);
  for (const file of bundle.files.filter((f) => f.endsWith('.log')))
    for (const line of bundle.read(file).split('\n'))
      if (FAILURE_WORDS.test(line)) problems.push(`${file}: ${line}`);
  for (const file of bundle.files.filter((f) => f.endsWith('nstat.txt'))) {
    const text = bundle.read(file);
    for (const counter of ['TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPSynRetrans'])
      if (nstatCounter(text, counter) > 0)
        problems.push(`${file}: ${counter} ${nstatCounter(text, counter)}`);
  }
  return problems;
}
