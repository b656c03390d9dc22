/**
 * The customers' self-service portal (/portal/account): sign-in (password, or a one-time code by
 * WhatsApp, or a one-time link staff handed over), home (subscriptions, online now, balance,
 * amount due), invoices (list, page, PDF, pay online), payments, usage per day, password, contact
 * details and support tickets. One file per use case; what they share (paths, the signed-in guard,
 * scoping, the page renderer) is in account-kit.ts.
 */
import Router from '@koa/router';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';
import { createAccountKit } from './account-kit.js';
import { addBankTransferRoutes } from './bank-transfer-routes.js';
import { addHomeRoutes } from './home-routes.js';
import { addInvoiceRoutes } from './invoice-routes.js';
import { addLinkSignInRoutes, addCodeSignInRoutes } from './one-time-sign-in-routes.js';
import { addSettingsRoutes } from './settings-routes.js';
import { createSignInFlow } from './sign-in-flow.js';
import { addSignInRoutes, addSignOutRoutes } from './sign-in-routes.js';
import { addTicketRoutes } from './ticket-routes.js';
import { addWifiRoutes } from './wifi-routes.js';

export { invoicePath } from './account-kit.js';

export function createAccountRoutes(deps: PortalDeps): Router<PortalState> {
  const r = new Router<PortalState>();
  const kit = createAccountKit(deps);
  const flow = createSignInFlow(kit);
  addSignInRoutes(r, kit, flow);
  addCodeSignInRoutes(r, kit, flow);
  addLinkSignInRoutes(r, kit, flow);
  addSignOutRoutes(r, kit);
  addHomeRoutes(r, kit);
  addInvoiceRoutes(r, kit);
  addSettingsRoutes(r, kit);
  addTicketRoutes(r, kit);
  addWifiRoutes(r, kit); // issue 14: the customer's Wi-Fi through GenieACS
  addBankTransferRoutes(r, kit); // issue 14: pay by bank transfer with a unique code, upload the receipt
  return r;
}
