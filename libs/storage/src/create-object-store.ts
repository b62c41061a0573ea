import path from 'node:path';
import { FolderObjectStore } from './folder-object-store.js';
import type { ObjectStore } from './object-store.js';

export interface ObjectStoreConfig {
  /** The data directory; objects live in its `objects/` folder. */
  readonly dataDir: string;
}

/** The one place that decides where bundles live, so API and workers always agree. */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  return new FolderObjectStore(path.join(config.dataDir, 'objects'));
}
