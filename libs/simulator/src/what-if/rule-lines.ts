import type { Rule } from '@netmortem/domain';
import { bytesSource, collectBundleEvidence } from '@netmortem/evidence';
import type { RuleLineToAdd } from './what-if-spec.js';
import type { RuleAddition } from './what-if-types.js';

/**
 * Parses rule lines to add with the same iptables-save parser the evidence uses, so an added
 * rule is read exactly like one from the bundle. `label` names the source in errors (a CLI
 * flag, a catalogue remediation).
 */
export async function parseRuleLines(
  lines: readonly RuleLineToAdd[],
  label = '--what-if add-rule',
): Promise<RuleAddition[]> {
  const additions: RuleAddition[] = [];
  for (const [i, line] of lines.entries()) {
    const artifact = `${label} #${i + 1}`;
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

/** `-I PREROUTING …` / `-A INPUT …` with its table: the chain and position come from the line. */
export function ruleLineToAdd(table: string, line: string): RuleLineToAdd {
  const match = /^-(A|I)\s+(\S+)/.exec(line.trim());
  if (!match?.[2]) throw new Error(`"${line}": a rule line starts with -A CHAIN or -I CHAIN`);
  return { table, chain: match[2], line: line.trim(), insert: match[1] === 'I' };
}
