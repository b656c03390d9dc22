/** What the portal's routes are built from (ARCHITECTURE.md, "Conventions": dependencies passed in). */
import type { BillingEngine } from '../billing/engine/engine.js';
import type { Clock } from '../lib/clock.js';
import type { Config } from '../lib/config.js';
import type { Knex } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Redis } from '../lib/redis.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { Signer } from '../lib/signer.js';
import type { PortalRender } from './render.js';

export interface PortalDeps {
  db: Knex;
  redis: Redis;
  clock: Clock;
  config: Config;
  log: Logger;
  engine: BillingEngine;
  signer: Signer;
  /** Opens sealed settings (the GenieACS NBI password for the customer's Wi-Fi page). */
  secrets?: SecretBox;
  render: PortalRender;
  /** Redis key prefix. */
  prefix: string;
}
