import type { Ruleset } from '@netmortem/domain';
import { bytesSource, createEvidenceCollector } from '@netmortem/evidence';

/** The text the kernel lab loads with iptables-restore: the nat and raw tables, replaced whole. */
export function restoreText(rules: {
  readonly nat?: readonly string[];
  readonly raw?: readonly string[];
}): string {
  return [
    '*raw',
    ':PREROUTING ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...(rules.raw ?? []),
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...(rules.nat ?? []),
    'COMMIT',
    '',
  ].join('\n');
}

/** A sequence's rules through netmortem's own iptables-save reader, as a bundle would give them. */
export async function sequenceRuleset(
  rules: { readonly nat?: readonly string[]; readonly raw?: readonly string[] },
  artifact: string,
): Promise<Ruleset[]> {
  const bytes = new TextEncoder().encode(restoreText(rules));
  const collector = createEvidenceCollector({ correlateCaptures: false });
  const report = await collector.add({
    path: artifact,
    sizeBytes: bytes.length,
    stream: bytesSource(bytes),
    kind: 'iptables-save',
  });
  if (report.status === 'failed')
    throw new Error(`NAT rules of ${artifact} did not parse: ${JSON.stringify(report.issues)}`);
  return collector.finish().rulesets;
}
