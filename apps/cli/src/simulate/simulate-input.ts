import type { ParseIssue, Rule } from '@netmortem/domain';
import {
  bytesSource,
  collectBundleEvidence,
  collectCapturePackets,
  type BundleArtifact,
} from '@netmortem/evidence';
import type { ReplayEvidence, RuleAddition, RuleLineToAdd } from '@netmortem/simulator';
import { openBundle } from '../bundle-input/local-bundle.js';
import { localFileChunks } from '../bundle-input/local-file-chunks.js';

export interface SimulationInput {
  readonly evidence: ReplayEvidence;
  /** Problems worth a line on stderr: unreadable artifacts, damaged captures. */
  readonly warnings: readonly string[];
}

/**
 * Reads what a replay needs from a bundle on disk (folder, archive or a single file, as
 * `netmortem inspect` does): the evidence, plus every packet of every capture, which the
 * evidence itself does not keep.
 */
export async function readSimulationInput(target: string): Promise<SimulationInput> {
  const bundle = await openBundle(target, 'netmortem-simulate-');
  try {
    if (bundle.files.length === 0) throw new Error(`${target}: the bundle holds no files`);
    const byPath = new Map(bundle.files.map((file) => [file.relative, file]));
    const artifacts: BundleArtifact[] = bundle.files.map((file) => ({
      path: file.relative,
      sizeBytes: file.size,
      open: () => Promise.resolve(localFileChunks(file.absolute)),
    }));
    const evidence = await collectBundleEvidence(artifacts);
    const warnings: string[] = [];
    for (const artifact of evidence.artifacts) {
      if (artifact.error !== undefined)
        warnings.push(`${artifact.errorLocator ?? artifact.path}: ${artifact.error}`);
    }
    const collected = await collectCapturePackets(
      evidence.captures.flatMap((capture) => {
        const file = byPath.get(capture.artifact);
        return file ? [{ path: capture.artifact, open: () => localFileChunks(file.absolute) }] : [];
      }),
    );
    const packets = collected.packets;
    for (const issue of collected.issues) warnings.push(issueText(issue));
    if (packets.length === 0) {
      const captures = evidence.artifacts.filter((a) => a.kind === 'pcap' || a.kind === 'pcapng');
      throw new Error(
        captures.length === 0
          ? `${target}: no capture (pcap or pcapng) in it: the simulator replays packets`
          : `${target}: no IP packet could be read from ${captures.map((c) => c.errorLocator ?? c.path).join(', ')}${captures[0]?.error ? ` (${captures[0].error})` : ''}`,
      );
    }
    return { evidence: { ...evidence, packets }, warnings };
  } finally {
    await bundle.close();
  }
}

function issueText(issue: ParseIssue): string {
  const where =
    issue.locator.packet !== undefined
      ? `${issue.locator.artifact}#packet ${issue.locator.packet}`
      : issue.locator.line !== undefined
        ? `${issue.locator.artifact}:${issue.locator.line}`
        : issue.locator.artifact;
  return `${where}: ${issue.message}`;
}

/**
 * Parses `add-rule` lines with the same iptables-save parser the evidence uses, so an added
 * rule is read exactly like one from the bundle.
 */
export async function parseRuleLines(lines: readonly RuleLineToAdd[]): Promise<RuleAddition[]> {
  const additions: RuleAddition[] = [];
  for (const [i, line] of lines.entries()) {
    const artifact = `--what-if add-rule #${i + 1}`;
    const text = `*${line.table}\n:${line.chain} - [0:0]\n${line.line.replace(/^-I\s+(\S+)(\s+\d+)?/, '-A $1')}\nCOMMIT\n`;
    const evidence = await collectBundleEvidence([
      {
        path: artifact,
        sizeBytes: text.length,
        kind: 'iptables-save',
        open: () => Promise.resolve(bytesSource(new TextEncoder().encode(text))),
      },
    ]);
    const rule: Rule | undefined = evidence.rulesets[0]?.tables
      .find((t) => t.name === line.table)
      ?.chains.find((c) => c.name === line.chain)?.rules[0];
    const problem = evidence.artifacts[0]?.error;
    if (!rule || problem !== undefined) {
      throw new Error(
        `${artifact} "${line.line}": not a rule iptables-save would print${problem ? ` (${problem})` : ''}`,
      );
    }
    additions.push({ table: line.table, chain: line.chain, rule, insert: line.insert });
  }
  return additions;
}
