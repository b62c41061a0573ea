import type { Readable } from 'node:stream';

export type BundleFormat = 'tar' | 'tar.gz' | 'zip' | 'gzip' | 'plain' | 'directory';

export interface BundleSource {
  /** A file (any supported format) or a directory on local disk. */
  readonly path: string;
  /** The name the user gave the upload; used in messages and for single-file entry names. */
  readonly originalName: string;
}

export interface BundleEntry {
  /** Normalised posix path relative to the bundle root, e.g. "node-a/ss.txt". */
  path: string;
  /** Size recorded by the archive (or the file system) when known and meaningful. */
  declaredSize?: number;
  /** The entry's uncompressed bytes; the callback must consume it fully. */
  stream: Readable;
}

export type EntryHandler = (entry: BundleEntry) => Promise<void>;

export interface SkippedMember {
  path: string;
  reason: string;
}

export interface UnpackSummary {
  format: BundleFormat;
  /** Entries handed to the callback. */
  entries: number;
  /** Uncompressed bytes handed to the callback. */
  totalBytes: number;
  skipped: SkippedMember[];
}
