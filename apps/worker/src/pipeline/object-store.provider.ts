import type { Provider } from '@nestjs/common';
import { createObjectStore, type ObjectStore } from '@netmortem/storage';
import { WORKER_CONFIG, type WorkerEnv } from '../config/worker-config.js';

export const OBJECT_STORE = Symbol('OBJECT_STORE');

export const objectStoreProvider: Provider<ObjectStore> = {
  provide: OBJECT_STORE,
  useFactory: (config: WorkerEnv) => createObjectStore({ dataDir: config.NETMORTEM_DATA_DIR }),
  inject: [WORKER_CONFIG],
};
