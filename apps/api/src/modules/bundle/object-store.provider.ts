import type { Provider } from '@nestjs/common';
import { createObjectStore, type ObjectStore } from '@netmortem/storage';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';

export const OBJECT_STORE = Symbol('OBJECT_STORE');

export const objectStoreProvider: Provider<ObjectStore> = {
  provide: OBJECT_STORE,
  useFactory: (config: ApiEnv) => createObjectStore({ dataDir: config.NETMORTEM_DATA_DIR }),
  inject: [API_CONFIG],
};
