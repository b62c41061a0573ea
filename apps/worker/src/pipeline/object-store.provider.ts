import path from 'node:path';
import type { Provider } from '@nestjs/common';
import { FolderObjectStore, type ObjectStore } from '@netmortem/storage';
import { WORKER_CONFIG, type WorkerEnv } from '../config/worker-config.js';

export const OBJECT_STORE = Symbol('OBJECT_STORE');

export const objectStoreProvider: Provider<ObjectStore> = {
  provide: OBJECT_STORE,
  useFactory: (config: WorkerEnv) =>
    new FolderObjectStore(path.join(config.NETMORTEM_DATA_DIR, 'objects')),
  inject: [WORKER_CONFIG],
};
