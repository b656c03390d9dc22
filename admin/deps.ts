/** What the console's routes are built from (ARCHITECTURE.md, "Conventions": dependencies passed in). */
import type { BillingEngine } from '../billing/engine/engine.js';
import type { Knex } from '../lib/db.js';
import type { WebDeps } from '../lib/http/web-deps.js';
import type { StaffSessions } from './staff-sessions.js';
import type { AdminRender } from './render.js';

export interface AdminDeps extends WebDeps {
  /** Reports and CSV exports read here: the streaming replica (DATABASE_REPLICA_URL) or `db` (lib/container.ts). */
  replicaDb: Knex;
  engine: BillingEngine;
  sessions: StaffSessions;
  render: AdminRender;
}
