import { commonEnvSchema, intFromEnv } from '@netmortem/config';

export const workerEnvSchema = commonEnvSchema.extend({
  /** Jobs one process works on at once; parsing is CPU-bound, so about one per core. */
  WORKER_CONCURRENCY: intFromEnv({ default: 2, min: 1, max: 64 }),
  /** How long a job's lock lives without renewal before other workers treat it as stalled. */
  WORKER_LOCK_DURATION_MS: intFromEnv({ default: 30_000, min: 1_000 }),
  /** How often each worker looks for stalled jobs to take over. */
  WORKER_STALLED_INTERVAL_MS: intFromEnv({ default: 15_000, min: 500 }),
  /** Times a job may stall (its worker died) before it is failed instead of retried. */
  WORKER_MAX_STALLED_COUNT: intFromEnv({ default: 2, min: 0, max: 10 }),
  /** Fault drills and demos only: sleep this long at the start of every stage. */
  WORKER_STAGE_DELAY_MS: intFromEnv({ default: 0, min: 0, max: 600_000 }),
  UNPACK_MAX_ENTRIES: intFromEnv({ default: 10_000, min: 1 }),
  UNPACK_MAX_TOTAL_BYTES: intFromEnv({ default: 8 * 1024 ** 3, min: 1 }),
  UNPACK_MAX_ENTRY_BYTES: intFromEnv({ default: 2 * 1024 ** 3, min: 1 }),
  UNPACK_MAX_RATIO: intFromEnv({ default: 200, min: 2 }),
  /** Packets the simulate stage replays (over all captures); the rest is counted, not replayed. */
  // About 1 KiB stays in use per replayed packet, and a worker runs two jobs at once.
  SIMULATE_MAX_PACKETS: intFromEnv({ default: 1_000_000, min: 1 }),
});
