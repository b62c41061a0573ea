import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';

interface RedactOptions {
  output?: string;
  name: string[];
  keyFile?: string;
  mappingOut?: string;
}

export function registerRedactCommand(program: Command): void {
  program
    .command('redact <bundle>')
    .description(
      'pseudonymise addresses, ports, MACs and names consistently across every artifact and strip payloads, so a bundle can be shared',
    )
    .option('-o, --output <file>', 'the redacted .tar.gz (default: <bundle>-redacted.tar.gz)')
    .option(
      '--name <name>',
      'a name to hide wherever it appears (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--key-file <file>',
      'the secret key (created if missing): bundles redacted with one key share pseudonyms',
    )
    .option(
      '--mapping-out <file>',
      'also write the original-to-pseudonym mapping (for the data owner; never share it)',
    )
    .action(async (target: string, options: RedactOptions) => {
      const { redactBundle } = await import('../redact/redact-bundle.js');
      const { loadRedactionKey } = await import('../redact/redaction-key.js');
      const { redactionSummary } = await import('../redact/redaction-summary.js');
      const key = await loadRedactionKey(options.keyFile);
      const output = options.output ?? defaultOutput(target);
      const result = await redactBundle(target, {
        key,
        names: options.name,
        output,
        ...(options.mappingOut === undefined ? {} : { mappingOut: options.mappingOut }),
        toolVersion: await toolVersion(),
      });
      process.stderr.write(redactionSummary(result, key, options.keyFile));
      process.stdout.write(`${result.output}\n`);
    });
}

/** `bundle.tar.gz` → `bundle-redacted.tar.gz`, `folder/` → `folder-redacted.tar.gz`. */
function defaultOutput(target: string): string {
  const resolved = target.replace(/[\\/]+$/, '') || target;
  const base = path.basename(resolved).replace(/(\.tar\.gz|\.tgz|\.tar|\.zip|\.gz|\.[^.]+)$/i, '');
  return path.join(path.dirname(resolved), `${base || 'bundle'}-redacted.tar.gz`);
}

async function toolVersion(): Promise<string> {
  const manifest = new URL('../../package.json', import.meta.url);
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version?: string };
  return version ?? 'unknown';
}
