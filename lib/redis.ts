/**
 * Redis connections (ioredis). BullMQ workers block on their connection, so every role gets
 * its own client from here; `maxRetriesPerRequest: null` is what BullMQ requires of them.
 */
import { Redis } from 'ioredis';

export type { Redis };

/** Creates an ioredis client for `url`; it connects at once and reconnects with backoff. */
export function createRedis(url: string, name = 'isp'): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
}
