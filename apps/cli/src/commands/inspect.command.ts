import type { Command } from 'commander';
import { formatEndpoint, type EvidenceSet } from '@netmortem/domain';
import { inspectBundle } from '../inspect/inspect-bundle.js';
import { JsonObjectWriter } from '../output/json-stream.js';

interface InspectOptions {
  format: string;
  progress: boolean;
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect <path>')
    .description(
      'list a bundle’s artifacts (kinds, parse status) and the flows in its captures, with their anomalies',
    )
    .option('--format <format>', 'text or json', 'text')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (target: string, options: InspectOptions) => {
      if (options.format !== 'text' && options.format !== 'json') {
        throw new Error(`--format must be text or json, not "${options.format}"`);
      }
      if (options.format === 'text') {
        process.stdout.write(
          inspectText(await inspectBundle(target, { progress: options.progress })),
        );
        return;
      }
      // Flows go out as the capture is read; the rest follows once everything is in.
      const writer = new JsonObjectWriter(process.stdout);
      writer.beginArray('flows');
      const evidence = await inspectBundle(target, {
        progress: options.progress,
        onFlow: (flow) => writer.item(flow),
        pace: () => writer.ready(),
      });
      for (const flow of evidence.flows) writer.item(flow);
      for (const [key, value] of Object.entries(inspectJson(evidence))) {
        if (key !== 'flows') await writer.field(key, value);
      }
      await writer.end();
    });
}

/** The JSON contract: `artifacts` exactly as `netmortem analyze` prints them, plus flows. */
export function inspectJson(evidence: EvidenceSet): Record<string, unknown> {
  return {
    artifacts: evidence.artifacts.map((artifact) => ({
      path: artifact.path,
      kind: artifact.kind,
      status: artifact.status,
      ...(artifact.error
        ? { error: `${artifact.errorLocator ?? artifact.path}: ${artifact.error}` }
        : {}),
    })),
    captures: evidence.captures,
    flows: evidence.flows,
    correlations: evidence.correlations,
    counts: {
      sockets: evidence.sockets.length,
      conntrackEntries: evidence.conntrackEntries.length,
      conntrackEvents: evidence.conntrackEvents.length,
      rulesets: evidence.rulesets.length,
      sysctls: evidence.sysctls.reduce((sum, set) => sum + Object.keys(set.values).length, 0),
      logEvents: evidence.logEvents.length,
      syscalls: evidence.syscalls.length,
    },
  };
}

function inspectText(evidence: EvidenceSet): string {
  const lines: string[] = ['ARTIFACTS'];
  for (const artifact of evidence.artifacts) {
    lines.push(
      `  ${artifact.status.padEnd(8)} ${artifact.kind.padEnd(18)} ${artifact.path}${artifact.error ? `  (${artifact.errorLocator}: ${artifact.error})` : ''}`,
    );
  }
  const withAnomalies = evidence.flows.filter((flow) => flow.anomalies.length > 0);
  lines.push('', `FLOWS ${evidence.flows.length} (${withAnomalies.length} with anomalies)`);
  for (const flow of withAnomalies.slice(0, 50)) {
    const counts = Object.entries(flow.anomalyCounts)
      .map(([kind, count]) => `${kind}×${count}`)
      .join(' ');
    lines.push(
      `  ${formatEndpoint(flow.client)} → ${formatEndpoint(flow.server)}  ${flow.packets} pkts  ${flow.close.kind}  ${counts}`,
    );
  }
  if (withAnomalies.length > 50)
    lines.push(`  … ${withAnomalies.length - 50} more (use --format json)`);
  return `${lines.join('\n')}\n`;
}
