import { mkdir, mkdtemp, rm, rename, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactKind } from '@netmortem/domain';
import {
  NameHarvester,
  Pseudonymiser,
  detectArtifactKind,
  harvestNames,
  keyFingerprint,
  redactCapture,
  redactText,
  type RedactionCounts,
} from '@netmortem/evidence';
import { localFileChunks } from '../bundle-input/local-file-chunks.js';
import { archiveDirectory } from '../upload/directory-archive.js';
import { looksBinary } from './binary-content.js';
import { openBundle, readHead, type BundleFile } from '../bundle-input/local-bundle.js';
import { RedactedPaths } from './redacted-paths.js';
import { writeGenerated } from './write-generated.js';
import type { RedactionKey } from './redaction-key.js';
import { NOTE_NAME, redactionNote, type FileOutcome } from './redaction-note.js';

export interface RedactBundleOptions {
  readonly key: RedactionKey;
  /** Names to hide besides those found in the bundle. */
  readonly names: readonly string[];
  /** The .tar.gz to write. */
  readonly output: string;
  /** Where to write the original → pseudonym mapping, for the data owner only. */
  readonly mappingOut?: string;
  readonly toolVersion: string;
}

export interface RedactBundleResult {
  readonly output: string;
  readonly files: readonly FileOutcome[];
  readonly counts: RedactionCounts;
  readonly keyFingerprint: string;
}

interface Planned {
  readonly file: BundleFile;
  readonly kind: ArtifactKind;
  readonly binary: boolean;
}

/**
 * Redacts a bundle into a new .tar.gz: first every text artifact and path is read for the
 * names it mentions (so a host named in one file is hidden in all), then each file is
 * rewritten (captures packet by packet, text line by line) under the same key, into a
 * scratch folder that is archived with a REDACTED.json note. Files that cannot be redacted
 * (binary of no known kind, captures too damaged to read) are left out, never copied.
 */
export async function redactBundle(
  target: string,
  options: RedactBundleOptions,
): Promise<RedactBundleResult> {
  const bundle = await openBundle(target, 'netmortem-redact-in-');
  const outputAbsolute = path.resolve(options.output);
  const scratch = await mkdtemp(path.join(tmpdir(), 'netmortem-redact-out-'));
  try {
    const files = bundle.files.filter((file) => path.resolve(file.absolute) !== outputAbsolute);
    if (files.length === 0) throw new Error(`${target}: the bundle holds no files`);
    const p = new Pseudonymiser(options.key.secret);
    const plan = await planFiles(files);
    await harvest(plan, p, options.names);

    const paths = new RedactedPaths(p, [NOTE_NAME]);
    const outcomes: FileOutcome[] = [];
    for (const item of plan) {
      const relative = paths.of(item.file.relative);
      const destination = path.join(scratch, ...relative.split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      outcomes.push(await redactFile(item, relative, destination, p));
    }

    const fingerprint = keyFingerprint(options.key.secret);
    const counts = p.counts();
    const note = redactionNote({
      toolVersion: options.toolVersion,
      keyFingerprint: fingerprint,
      keyShared: options.key.origin !== 'random',
      counts,
      files: outcomes,
    });
    await writeFile(path.join(scratch, NOTE_NAME), `${JSON.stringify(note, null, 2)}\n`);
    await writeArchive(scratch, outputAbsolute);
    if (options.mappingOut !== undefined) {
      await writeFile(options.mappingOut, `${JSON.stringify(p.mapping(), null, 2)}\n`, {
        mode: 0o600,
      });
    }
    return { output: options.output, files: outcomes, counts, keyFingerprint: fingerprint };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await bundle.close();
  }
}

async function planFiles(files: readonly BundleFile[]): Promise<Planned[]> {
  const plan: Planned[] = [];
  for (const file of files) {
    const head = await readHead(file.absolute);
    const kind = detectArtifactKind(head, file.relative).kind;
    plan.push({ file, kind, binary: kind === 'unknown' && looksBinary(head) });
  }
  return plan;
}

/** Every name the bundle mentions, from paths and text, before anything is rewritten. */
async function harvest(
  plan: readonly Planned[],
  p: Pseudonymiser,
  given: readonly string[],
): Promise<void> {
  const harvester = new NameHarvester(p.names);
  for (const name of given) harvester.given(name);
  for (const { file, kind, binary } of plan) {
    harvester.path(file.relative);
    if (binary || kind === 'pcap' || kind === 'pcapng') continue;
    await harvestNames(localFileChunks(file.absolute), kind, harvester);
  }
}

async function redactFile(
  item: Planned,
  relative: string,
  destination: string,
  p: Pseudonymiser,
): Promise<FileOutcome> {
  const { file, kind } = item;
  if (item.binary) {
    return {
      path: relative,
      kind,
      action: 'omitted',
      reason: 'binary content of no known kind cannot be redacted',
    };
  }
  if (kind === 'pcap' || kind === 'pcapng') {
    const summary = await writeGenerated(
      redactCapture(localFileChunks(file.absolute), p),
      destination,
    );
    if (summary.packets === 0 && !summary.complete) {
      await rm(destination, { force: true });
      return {
        path: relative,
        kind,
        action: 'omitted',
        reason: `unreadable capture: ${summary.error ?? 'no packets'}`,
      };
    }
    return {
      path: relative,
      kind,
      action: 'redacted',
      packets: summary.packets,
      payloadBytesRemoved: summary.payloadBytesRemoved,
      ...(summary.format === 'pcapng'
        ? {
            pcapngBlocksDropped: summary.blocksDropped,
            pcapngOptionsDropped: summary.optionsDropped,
          }
        : {}),
      complete: summary.complete,
      ...(summary.error === undefined ? {} : { reason: summary.error }),
    };
  }
  const summary = await writeGenerated(
    redactText(localFileChunks(file.absolute), p, { kind, path: file.relative }),
    destination,
  );
  return {
    path: relative,
    kind,
    action: 'redacted',
    lines: summary.lines,
    ...(summary.buffersEmptied > 0 ? { buffersEmptied: summary.buffersEmptied } : {}),
    ...(summary.secretsBlanked > 0 ? { secretsBlanked: summary.secretsBlanked } : {}),
  };
}

/** The scratch folder as a .tar.gz, written beside the target and moved into place. */
async function writeArchive(folder: string, output: string): Promise<void> {
  await mkdir(path.dirname(output), { recursive: true });
  const partial = `${output}.partial`;
  try {
    await pipeline(archiveDirectory(folder), createWriteStream(partial));
    await rename(partial, output);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
