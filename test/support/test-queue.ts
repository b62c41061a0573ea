import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.NETMORTEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ key prefix of this run's own, and a way to delete everything under it. */
export function testQueuePrefix(): string {
  return `nmtest-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function dropQueuePrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
