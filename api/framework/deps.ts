/** What the REST API is built from (ARCHITECTURE.md, "Conventions": dependencies passed in). */
import type { BillingEngine } from '../../billing/engine/engine.js';
import type { WebDeps } from '../../lib/http/web-deps.js';

export interface ApiDeps extends WebDeps {
  engine: BillingEngine;
}
