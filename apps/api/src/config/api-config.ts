import type { z } from 'zod';
import type { apiEnvSchema } from './api-env.schema.js';

export type ApiEnv = Readonly<z.infer<typeof apiEnvSchema>>;

/** Injection token for the validated, frozen API configuration. */
export const API_CONFIG = Symbol('API_CONFIG');
