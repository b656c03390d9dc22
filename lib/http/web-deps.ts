/**
 * What every HTTP surface's routes are built from, the part the console (admin/deps.ts), the
 * REST API (api/framework/deps.ts) and the portal (portal/deps.ts) share (ARCHITECTURE.md,
 * "Conventions": dependencies passed in). Each surface extends it with its own (the billing
 * engine, its renderer, staff sessions, …): lib imports no role (ARCHITECTURE.md, "Dependency
 * rules"), so nothing of billing/ is here.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Knex } from '../db.js';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';
import type { SecretBox } from '../secret-box.js';

export interface WebDeps {
  db: Knex;
  redis: Redis;
  clock: Clock;
  config: Config;
  log: Logger;
  /** Opens and seals secrets stored encrypted (lib/secret-box.ts). */
  secrets: SecretBox;
  /** Redis key prefix (QUEUE_PREFIX). */
  prefix: string;
}
