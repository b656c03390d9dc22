/**
 * A container for scenario tests: a private database (createTestDatabase), the shared test
 * Redis under a private queue prefix, a fixed secret key, quiet logs and, optionally, a fixed clock.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { createContainer, type Container } from '../../lib/container.js';
import { createLogger } from '../../lib/logger.js';
import { createTestDatabase, testRedisUrl, type TestDatabase } from './database.js';
import { TEST_SECRET_KEY } from './factories.js';

export interface TestContainer extends Container {
  testDb: TestDatabase;
  /** Closes the container and drops the database. */
  dispose(): Promise<void>;
}

export async function createTestContainer(opts: { clock?: Clock; env?: Record<string, string> } = {}): Promise<TestContainer> {
  const testDb = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RADIUS_HOST: '127.0.0.1',
    ...opts.env,
  });
  const c = createContainer({
    config,
    log: createLogger(config.LOG_LEVEL),
    databaseUrl: testDb.url,
    redisUrl: testRedisUrl(),
    secretKey: TEST_SECRET_KEY,
    clock: opts.clock,
    processMetrics: false,
    db: testDb.db,
  });
  return Object.assign(c, {
    testDb,
    async dispose() {
      await c.queues.close();
      c.redis.disconnect();
      await testDb.drop();
    },
  });
}
