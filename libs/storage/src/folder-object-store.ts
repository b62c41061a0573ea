import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingCounter } from './hashing-counter.js';
import {
  contentKey,
  type LocalCopy,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';
import { InvalidObjectKeyError, ObjectNotFoundError } from './object-store.error.js';

const KEY_PATTERN = /^sha256\/([0-9a-f]{64})$/;

/**
 * Content-addressed objects in a folder: `<root>/sha256/ab/cd/<hash>`. Bytes are written to
 * `<root>/incoming/` first and renamed into place once hashed, so identical uploads are kept
 * once and an interrupted write never shows up under a key.
 */
export class FolderObjectStore implements ObjectStore {
  private readonly incoming: string;

  constructor(private readonly root: string) {
    this.incoming = path.join(root, 'incoming');
  }

  async put(source: Readable, options: PutOptions = {}): Promise<StoredObject> {
    await mkdir(this.incoming, { recursive: true });
    const partial = path.join(this.incoming, `${randomUUID()}.part`);
    const counter = new HashingCounter(options.maxBytes);
    try {
      await pipeline(source, counter, createWriteStream(partial, { flags: 'wx' }));
      const sha256 = counter.digest();
      const finalPath = this.pathOf(sha256);
      await mkdir(path.dirname(finalPath), { recursive: true });
      await rename(partial, finalPath);
      return { key: contentKey(sha256), sha256, sizeBytes: counter.bytes };
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.fileOf(key);
    await this.assertExists(key, file);
    return createReadStream(file);
  }

  async openLocal(key: string): Promise<LocalCopy> {
    const file = this.fileOf(key);
    await this.assertExists(key, file);
    return { path: file, release: async () => {} };
  }

  async exists(key: string): Promise<boolean> {
    const file = this.fileOf(key);
    try {
      await access(file);
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.fileOf(key), { force: true });
  }

  /** Size on disk, for diagnostics and tests. */
  async sizeOf(key: string): Promise<number> {
    return (await stat(this.fileOf(key))).size;
  }

  private fileOf(key: string): string {
    const match = KEY_PATTERN.exec(key);
    if (!match?.[1]) throw new InvalidObjectKeyError(key);
    return this.pathOf(match[1]);
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private async assertExists(key: string, file: string): Promise<void> {
    try {
      await access(file);
    } catch {
      throw new ObjectNotFoundError(key);
    }
  }
}
