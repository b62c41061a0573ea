import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { AnalysisView, NetmortemClient } from '../upload/netmortem-client.js';

interface UploadOptions {
  server: string;
  token?: string;
  incident?: string;
  title?: string;
  wait: boolean;
  json: boolean;
}

export function registerUploadCommand(program: Command): void {
  program
    .command('upload <path>')
    .description('upload a bundle (archive, single file or directory) to a netmortem server')
    .option('--server <url>', 'server URL', process.env.NETMORTEM_SERVER ?? 'http://localhost:3000')
    .option('--token <token>', 'API token (or NETMORTEM_TOKEN)', process.env.NETMORTEM_TOKEN)
    .option('--incident <id>', 'attach to this incident (default: create a new one)')
    .option('--title <title>', 'title of the new incident')
    .option('--no-wait', 'return as soon as the upload is accepted')
    .option('--json', 'print the result as JSON', false)
    .action(async (target: string, options: UploadOptions) => {
      if (!options.token) throw new Error('an API token is required: --token or NETMORTEM_TOKEN');
      const { NetmortemClient } = await import('../upload/netmortem-client.js');
      const { archiveDirectory } = await import('../upload/directory-archive.js');
      const client = new NetmortemClient(options.server, options.token);
      const info = await stat(target).catch(() => {
        throw new Error(`${target}: no such file or directory`);
      });
      const name = path.basename(path.resolve(target));
      const incidentId =
        options.incident ??
        (await client.createIncident({
          title: options.title ?? `Bundle ${name}`,
          description: `Uploaded from ${target}`,
        }));
      const stream = info.isDirectory() ? archiveDirectory(target) : createReadStream(target);
      const filename = info.isDirectory() ? `${name}.tar.gz` : name;
      const uploaded = await client.uploadBundle(incidentId, filename, stream);
      let analysis: AnalysisView | undefined;
      if (options.wait && uploaded.analysisId)
        analysis = await waitForAnalysis(client, uploaded.analysisId);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ incidentId, ...uploaded, analysis }, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `incident ${incidentId}\nbundle   ${uploaded.bundleId}${uploaded.duplicate ? ' (already uploaded)' : ''}\nanalysis ${uploaded.analysisId ?? '-'}\n`,
      );
      if (analysis) printAnalysis(analysis);
    });
}

async function waitForAnalysis(client: NetmortemClient, id: string): Promise<AnalysisView> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const analysis = await client.analysis(id);
    if (analysis.status === 'SUCCEEDED' || analysis.status === 'FAILED') return analysis;
    if (Date.now() > deadline) return analysis;
    process.stderr.write(
      `\r${analysis.status.toLowerCase()} ${analysis.stage ?? ''} ${analysis.progress}%   `,
    );
    await sleep(300);
  }
}

function printAnalysis(analysis: AnalysisView): void {
  process.stderr.write('\r');
  process.stdout.write(
    `status   ${analysis.status}${analysis.error ? `: ${analysis.error}` : ''}\n`,
  );
  for (const stage of analysis.stages) {
    process.stdout.write(
      `  ${stage.name.padEnd(9)} ${stage.state}${stage.note ? `  ${stage.note}` : ''}\n`,
    );
  }
  for (const artifact of analysis.bundle.artifacts) {
    process.stdout.write(
      `  ${artifact.kind.padEnd(18)} ${artifact.path}${artifact.error ? `  (${artifact.error})` : ''}\n`,
    );
  }
  for (const finding of analysis.findings) {
    process.stdout.write(
      `  finding ${finding.rootCauseId} (${Math.round(finding.confidence * 100)}%): ${finding.summary}\n`,
    );
  }
}
