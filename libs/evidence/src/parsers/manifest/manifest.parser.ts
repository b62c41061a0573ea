import type { BundleManifest } from '@netmortem/domain';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

type YamlModule = typeof Yaml;
let yamlModule: YamlModule | undefined;

/**
 * The YAML library is loaded the first time a manifest is read: it is a third of the start-up
 * time of `netmortem inspect` on a lone capture, which never needs it.
 */
function yaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}
import { skipBinaryLine } from '../shared/line-hygiene.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { mapManifest } from './manifest-mapping.js';

/** A manifest is a few kilobytes; anything past this is not one worth holding whole. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * The netmortem collector manifest and hand-written `commands:` lists, in JSON or YAML (JSON
 * is read by the YAML parser too, which knows where each node sits, so issues name lines).
 */
export const manifestParser: TextArtifactParser<BundleManifest> = {
  kinds: ['manifest'],
  isEmpty: (manifest) => manifest.commands.length === 0 && !manifest.host && !manifest.collectedAt,
  start({ artifact, issues }) {
    const lines: string[] = [];
    let bytes = 0;
    let overflow = false;
    return {
      line(text, lineNumber) {
        if (overflow) return;
        if (skipBinaryLine(text, lineNumber, issues)) {
          lines.push('');
          return;
        }
        bytes += text.length + 1;
        if (bytes > MAX_MANIFEST_BYTES) {
          overflow = true;
          issues.atLine(
            lineNumber,
            'TOO_LARGE',
            `manifest larger than ${MAX_MANIFEST_BYTES} bytes: not read`,
          );
          return;
        }
        lines.push(text);
      },
      finish() {
        const empty: BundleManifest = { locator: { artifact }, commands: [] };
        if (overflow) return empty;
        const { LineCounter, isMap, isSeq, parseDocument } = yaml();
        const lineCounter = new LineCounter();
        const source = lines.join('\n');
        const document = parseDocument(source, {
          lineCounter,
          prettyErrors: false,
          uniqueKeys: false,
        });
        // The first error explains the rest, which only echo it.
        const [error] = document.errors;
        if (error) {
          const line = lineCounter.linePos(error.pos[0]).line;
          const detail = error.message.split('\n')[0] ?? error.code;
          issues.atLine(
            line,
            'UNPARSEABLE_MANIFEST',
            `manifest is not valid JSON or YAML: ${detail}`,
          );
        }
        if (document.errors.length > 0) return empty;
        let plain: unknown;
        try {
          plain = document.toJS({ maxAliasCount: 100 });
        } catch (error) {
          // Aliases to missing anchors, alias bombs: YAML that parses but cannot be resolved.
          issues.atLine(
            1,
            'UNPARSEABLE_MANIFEST',
            `manifest YAML cannot be resolved: ${error instanceof Error ? error.message : 'unknown error'}`,
          );
          return empty;
        }
        const mapped = mapManifest(plain);
        if (!mapped) {
          issues.atLine(1, 'UNPARSEABLE_MANIFEST', 'manifest is not an object');
          return empty;
        }
        const commandNodes = isMap(document.contents)
          ? document.contents.get('commands', true)
          : undefined;
        for (const index of mapped.skipped) {
          const node = isSeq(commandNodes) ? commandNodes.items[index] : undefined;
          const offset =
            node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)
              ? Number(node.range[0])
              : 0;
          issues.atLine(
            lineCounter.linePos(offset).line,
            'UNREADABLE_COMMAND',
            `commands[${index}] names no command`,
          );
        }
        return { locator: { artifact, line: 1 }, ...mapped.manifest };
      },
    };
  },
};
