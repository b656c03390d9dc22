/** What the REST API is built from (ARCHITECTURE.md, "Conventions": dependencies passed in). */
import type { BillingEngine } from '../../billing/engine/engine.js';
import type { Clock } from '../../lib/clock.js';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { Redis } from '../../lib/redis.js';
import type { SecretBox } from '../../lib/secret-box.js';

export interface ApiDeps {
  db: Knex;
  redis: Redis;
  clock: Clock;
  config: Config;
  log: Logger;
  secrets: SecretBox;
  engine: BillingEngine;
  /** Redis key prefix (QUEUE_PREFIX). */
  prefix: string;
}
