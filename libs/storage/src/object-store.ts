import type { Readable } from 'node:stream';

/** What a store knows about bytes it holds. Keys are content addresses: `sha256/<hex>`. */
export interface StoredObject {
  readonly key: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

export interface PutOptions {
  /** Refuse (and keep nothing of) a stream longer than this many bytes. */
  readonly maxBytes?: number;
}

/** A local file holding an object's bytes, valid until `release()`. */
export interface LocalCopy {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * Where bundles and their artifacts live. Writes stream through (never buffered whole) and
 * become visible only when complete, so a reader never sees half an object.
 */
export interface ObjectStore {
  put(source: Readable, options?: PutOptions): Promise<StoredObject>;
  get(key: string): Promise<Readable>;
  /** A path on local disk for readers that need random access (zip central directories). */
  openLocal(key: string): Promise<LocalCopy>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export function contentKey(sha256: string): string {
  return `sha256/${sha256}`;
}
