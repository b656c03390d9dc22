/** What the portal's routes are built from (ARCHITECTURE.md, "Conventions": dependencies passed in). */
import type { BillingEngine } from '../billing/engine/engine.js';
import type { WebDeps } from '../lib/http/web-deps.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { Signer } from '../lib/signer.js';
import type { PortalRender } from './render.js';

export interface PortalDeps extends Omit<WebDeps, 'secrets'> {
  engine: BillingEngine;
  signer: Signer;
  /** Opens sealed settings (the GenieACS NBI password for the customer's Wi-Fi page). */
  secrets?: SecretBox;
  render: PortalRender;
}
