import type { z } from 'zod';
import type { workerEnvSchema } from './worker-env.schema.js';

export type WorkerEnv = Readonly<z.infer<typeof workerEnvSchema>>;

/** Injection token for the validated, frozen worker configuration. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
