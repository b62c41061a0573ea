import {
  parseRuleLines,
  parseWhatIfSpecs,
  replayEvidence,
  whatIf,
  type ReplayDiff,
  type ReplayOptions,
  type ReplayRun,
} from '@netmortem/simulator';
import { readSimulationInput } from './simulate-input.js';

export interface SimulateOptions {
  readonly kernel?: string;
  readonly set: readonly string[];
  readonly whatIf: readonly string[];
  readonly seed?: string;
  readonly local: readonly string[];
}

export interface SimulationResult {
  readonly run: ReplayRun;
  readonly diff?: ReplayDiff;
  readonly warnings: readonly string[];
}

/** `key=value` pairs of `--set`, with the flag named in the error. */
export function parseSettings(pairs: readonly string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) {
      throw new Error(
        `--set "${pair}": expected key=value, e.g. --set net.netfilter.nf_conntrack_tcp_be_liberal=1`,
      );
    }
    settings[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return settings;
}

/** `--kernel`: a profile id, or something with a version in it (`5.15.0-91-generic`). */
export function checkKernel(kernel: string | undefined): void {
  if (kernel === undefined) return;
  if (['pre-5.14', '5.14-6.1', '6.2+'].includes(kernel) || /\d+\.\d+/.test(kernel)) return;
  throw new Error(
    `--kernel "${kernel}": expected a profile (pre-5.14, 5.14-6.1, 6.2+) or a release like 5.15.0-91-generic`,
  );
}

/** Reads the bundle and replays it; with `--what-if`, replays it again and compares. */
export async function simulateBundle(
  target: string,
  options: SimulateOptions,
): Promise<SimulationResult> {
  checkKernel(options.kernel);
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed "${options.seed}": expected an integer`);
  const replayOptions: ReplayOptions = {
    ...(options.kernel === undefined ? {} : { kernel: options.kernel }),
    settings: parseSettings(options.set),
    ...(seed === undefined ? {} : { seed }),
    ...(options.local.length > 0 ? { localAddresses: options.local } : {}),
  };
  // Parse the what-if before the (possibly long) read, so a typo fails at once.
  const parsed = parseWhatIfSpecs(options.whatIf);
  const addRules = await parseRuleLines(parsed.addRuleLines);
  const { evidence, warnings } = await readSimulationInput(target);
  const run = replayEvidence(evidence, replayOptions);
  if (options.whatIf.length === 0) return { run, warnings };
  const result = whatIf(evidence, replayOptions, { ...parsed.overrides, addRules }, run);
  return { run, diff: result.diff, warnings };
}
