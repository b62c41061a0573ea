import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderObjectStore } from './folder-object-store.js';
import { ObjectNotFoundError, ObjectTooLargeError } from './object-store.error.js';

describe(FolderObjectStore.name, () => {
  let root: string;
  let sut: FolderObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'nm-store-'));
    sut = new FolderObjectStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should store bytes under their sha256 and read them back', async () => {
    const bytes = Buffer.from('conntrack says hello\n');
    const stored = await sut.put(Readable.from([bytes]));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(stored).toEqual({ key: `sha256/${sha256}`, sha256, sizeBytes: bytes.length });
    const chunks: Buffer[] = [];
    for await (const chunk of await sut.get(stored.key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(bytes);
    const local = await sut.openLocal(stored.key);
    expect(await readFile(local.path)).toEqual(bytes);
  });

  it('should keep identical content once', async () => {
    const first = await sut.put(Readable.from([Buffer.from('same')]));
    const second = await sut.put(Readable.from([Buffer.from('sa'), Buffer.from('me')]));
    expect(second.key).toBe(first.key);
    expect(await readdir(path.join(root, 'incoming'))).toEqual([]);
  });

  it('should refuse a stream over the limit and leave nothing behind', async () => {
    const tooBig = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(sut.put(tooBig, { maxBytes: 1000 })).rejects.toBeInstanceOf(ObjectTooLargeError);
    expect(await readdir(path.join(root, 'incoming'))).toEqual([]);
  });

  it('should discard a partial write when the source fails mid-way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(10));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(sut.put(failing)).rejects.toThrow('client went away');
    expect(await readdir(path.join(root, 'incoming'))).toEqual([]);
  });

  it('should name a missing or malformed key', async () => {
    await expect(sut.get(`sha256/${'0'.repeat(64)}`)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(sut.exists('../../etc/passwd')).rejects.toThrow('is not a content key');
  });
});
