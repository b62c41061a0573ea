import path from 'node:path';
import type { Provider } from '@nestjs/common';
import { FolderObjectStore, type ObjectStore } from '@netmortem/storage';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';

export const OBJECT_STORE = Symbol('OBJECT_STORE');

export const objectStoreProvider: Provider<ObjectStore> = {
  provide: OBJECT_STORE,
  useFactory: (config: ApiEnv) =>
    new FolderObjectStore(path.join(config.NETMORTEM_DATA_DIR, 'objects')),
  inject: [API_CONFIG],
};
