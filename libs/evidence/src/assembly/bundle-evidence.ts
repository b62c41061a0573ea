import type { ArtifactKind, EvidenceSet, Ruleset } from '@netmortem/domain';
import { detectArtifactKind } from '../detection/artifact-kind.detector.js';
import { DETECTION_HEAD_BYTES } from '../detection/kind-detection.js';
import { attachListingCounters } from '../layouts/listing-counters.js';
import { parseIptablesListing, type IptablesListing } from '../layouts/iptables-listing.js';
import { synthesiseSysctlSet, type ProcSysValue } from '../layouts/proc-sys-sysctl.js';
import { recogniseLayouts } from '../layouts/recognise-layouts.js';
import { splitRetinaMetadata } from '../layouts/retina-metadata.js';
import { createEvidenceCollector } from './default-handlers.js';
import { peekHead } from './peek-head.js';

/** An artifact that can be opened as often as needed (stored, or a file on disk). */
export interface BundleArtifact {
  readonly path: string;
  readonly sizeBytes: number;
  /** The kind already detected, if any. */
  readonly kind?: ArtifactKind;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

/** Small files read whole: one /proc/sys value, or a multi-command metadata file. */
const MAX_WHOLE_TEXT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a whole bundle whose artifacts are all at hand (the worker's stored artifacts, a
 * folder on disk). Unlike one-by-one streaming it knows every path first, so it can use
 * known layouts (Retina's capture folders, the netmortem collector's): /proc/sys copies
 * become one sysctl set, multi-command files are split into their commands, and
 * `iptables -vnxL` counters land on the saved rules.
 */
export async function collectBundleEvidence(
  artifacts: readonly BundleArtifact[],
): Promise<EvidenceSet> {
  const kinds = new Map<string, ArtifactKind>();
  for (const artifact of artifacts)
    kinds.set(artifact.path, artifact.kind ?? (await detectKind(artifact)));
  const layouts = recogniseLayouts(
    artifacts.map((artifact) => ({ path: artifact.path, kind: kinds.get(artifact.path)! })),
  );
  const captures = [...kinds.values()].filter(
    (kind) => kind === 'pcap' || kind === 'pcapng',
  ).length;
  const collector = createEvidenceCollector({ correlateCaptures: captures > 1 });
  const sysctlValues: ProcSysValue[] = [];
  const listings: IptablesListing[] = [];

  for (const artifact of artifacts) {
    const hint = layouts.hints.get(artifact.path);
    const kind = hint ? hint.kind : kinds.get(artifact.path)!;
    const base = { path: artifact.path, sizeBytes: artifact.sizeBytes, issues: [], unitsRead: 0 };
    switch (hint?.role ?? 'evidence') {
      case 'evidence':
        await collector.add({
          path: artifact.path,
          sizeBytes: artifact.sizeBytes,
          kind,
          stream: await artifact.open(),
        });
        break;
      case 'sysctl-value':
        sysctlValues.push({ path: artifact.path, text: await readText(artifact) });
        collector.record({ ...base, kind: 'sysctl', status: 'parsed', unitsRead: 1 });
        break;
      case 'iptables-counters':
        listings.push(parseIptablesListing(await readText(artifact), listedTable(artifact.path)));
        collector.record({ ...base, kind: 'iptables-save', status: 'parsed' });
        break;
      case 'composite': {
        const metadata = splitRetinaMetadata(await readText(artifact));
        collector.record({ ...base, kind: 'unknown', status: metadata ? 'parsed' : 'failed' });
        for (const section of metadata?.sections ?? []) {
          const label = `${artifact.path} [${section.command}]`;
          if (section.role === 'evidence' && section.kind !== 'unknown') {
            await collector.add({
              path: label,
              sizeBytes: section.text.length,
              kind: section.kind,
              stream: textStream(section.text),
            });
          } else if (section.role === 'iptables-counters') {
            listings.push(parseIptablesListing(section.text, section.table ?? 'filter'));
          }
        }
        break;
      }
      case 'context':
        await drain(await artifact.open());
        collector.record({ ...base, kind: 'unknown', status: 'skipped' });
        break;
    }
  }

  for (const group of layouts.sysctlGroups) {
    const files = sysctlValues.filter((value) =>
      group.files.some((file) => file.path === value.path),
    );
    const { text } = synthesiseSysctlSet(group.artifact, files);
    await collector.add({
      path: group.artifact,
      sizeBytes: text.length,
      kind: 'sysctl',
      stream: textStream(text),
    });
  }
  if (listings.length > 0) collector.amend((evidence) => attachCounters(evidence, listings));
  return collector.finish();
}

/** Counters from `iptables -vnxL` go onto the saved rules they belong to, where they fit. */
function attachCounters(evidence: EvidenceSet, listings: readonly IptablesListing[]): void {
  evidence.rulesets.forEach((ruleset, index) => {
    if (ruleset.source !== 'iptables-save') return;
    let counted: Ruleset = ruleset;
    for (const listing of listings) counted = attachListingCounters(counted, listing).ruleset;
    evidence.rulesets[index] = counted;
  });
}

async function detectKind(artifact: BundleArtifact): Promise<ArtifactKind> {
  const { head, stream } = await peekHead(await artifact.open(), DETECTION_HEAD_BYTES);
  await drain(stream);
  return detectArtifactKind(head, artifact.path).kind;
}

async function readText(artifact: BundleArtifact): Promise<string> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of await artifact.open()) {
    if (length < MAX_WHOLE_TEXT_BYTES) chunks.push(chunk.slice(0, MAX_WHOLE_TEXT_BYTES - length));
    length += chunk.length;
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function textStream(text: string): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield await Promise.resolve(new TextEncoder().encode(text));
  })();
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _chunk of stream) {
    // Nothing to read in it; only the bytes must be consumed.
  }
}

/** Retina names its listings after the table (`iptables-nat.txt`, `…filter…`). */
function listedTable(path: string): string {
  const match = /(filter|nat|mangle|raw|security)/.exec(path);
  return match?.[1] ?? 'filter';
}
