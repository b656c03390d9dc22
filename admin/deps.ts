/** What the console's routes are built from (ARCHITECTURE.md, "Conventions": dependencies passed in). */
import type { BillingEngine } from '../billing/engine/engine.js';
import type { Clock } from '../lib/clock.js';
import type { Config } from '../lib/config.js';
import type { Knex } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Redis } from '../lib/redis.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { StaffSessions } from './staff-sessions.js';
import type { AdminRender } from './render.js';

export interface AdminDeps {
  db: Knex;
  /** Reports and CSV exports read here: the streaming replica (DATABASE_REPLICA_URL) or `db` (lib/container.ts). */
  replicaDb: Knex;
  redis: Redis;
  clock: Clock;
  config: Config;
  log: Logger;
  secrets: SecretBox;
  engine: BillingEngine;
  sessions: StaffSessions;
  render: AdminRender;
  /** Redis key prefix. */
  prefix: string;
}
