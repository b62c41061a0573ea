import type { JsonTopLevel } from '../json-top-level.js';
import type { KindDetection } from '../kind-detection.js';
import type { TextSample } from '../text-sample.js';

/**
 * Bundle manifests: what was collected, how, and with which tool versions.
 *
 * The netmortem collector writes a JSON (or YAML) object marked by either a top-level
 * `"netmortem"` key or `"kind": "netmortem-manifest"`:
 *
 *   {
 *     "kind": "netmortem-manifest",
 *     "netmortem": { "collector": "0.1.0", "schema": 1 },
 *     "collectedAt": "2026-01-14T10:25:00Z",
 *     "scope": { "node": "node-1", "netns": "pod:shop/orders-7d9f8b6c5-x2x7q" },
 *     "commands": [
 *       { "argv": ["ss", "-tanoie"], "file": "ss.txt", "exitCode": 0,
 *         "tool": "iproute2", "version": "ss utility, iproute2-6.1.0" }
 *     ]
 *   }
 *
 * People gathering files by hand often write a simpler list with the same purpose: an object
 * whose top-level `commands` list records tool versions. That is a manifest too, with less
 * certainty, since only the shape says so.
 */

const MANIFEST_KIND = 'netmortem-manifest';
const YAML_MARKER = /^(?:netmortem:\s*$|kind:\s*["']?netmortem-manifest["']?\s*$)/;
const YAML_COMMANDS = /^commands:\s*$/;
const YAML_LIST_ITEM = /^\s*- /;
const YAML_VERSION = /^\s*(?:- )?version:\s*\S/;
const JSON_VERSION = /"version"\s*:/;

export function detectManifest(sample: TextSample): KindDetection | undefined {
  return sample.json ? jsonManifest(sample.json, sample.text) : yamlManifest(sample);
}

function jsonManifest(json: JsonTopLevel, text: string): KindDetection | undefined {
  if (json.keys.has('netmortem')) {
    return {
      kind: 'manifest',
      confidence: 0.98,
      reason: 'JSON object with a top-level "netmortem" key',
    };
  }
  if (json.stringValues.get('kind') === MANIFEST_KIND) {
    return {
      kind: 'manifest',
      confidence: 0.98,
      reason: `JSON object with "kind": "${MANIFEST_KIND}"`,
    };
  }
  if (json.keys.has('commands') && JSON_VERSION.test(text)) {
    return {
      kind: 'manifest',
      confidence: 0.75,
      reason: 'JSON object with a top-level commands list carrying versions',
    };
  }
  return undefined;
}

function yamlManifest(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  if (lines.some((line) => YAML_MARKER.test(line))) {
    return {
      kind: 'manifest',
      confidence: 0.97,
      reason: 'YAML with a top-level netmortem manifest marker',
    };
  }
  const commandsAt = lines.findIndex((line) => YAML_COMMANDS.test(line));
  if (commandsAt < 0) return undefined;
  const after = lines.slice(commandsAt + 1);
  if (
    after.some((line) => YAML_LIST_ITEM.test(line)) &&
    after.some((line) => YAML_VERSION.test(line))
  ) {
    return {
      kind: 'manifest',
      confidence: 0.75,
      reason: 'YAML with a top-level commands list carrying versions',
    };
  }
  return undefined;
}
