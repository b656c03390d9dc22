/**
 * Every route of the REST API, one file per resource (ARCHITECTURE.md "REST API": adding a
 * resource is a new file here exporting an array of `route({...})`, added to this list).
 */
import type { ApiRoute } from '../framework/route.js';
import { customerRoutes } from './customers.js';
import { invoiceRoutes } from './invoices.js';
import { paymentRoutes } from './payments.js';
import { planRoutes } from './plans.js';
import { subscriptionActionRoutes } from './subscription-actions.js';
import { subscriptionRoutes } from './subscriptions.js';
import { alertRoutes } from './alerts.js';
import { deviceRoutes } from './devices.js';
import { nasRoutes } from './nas.js';
import { reportRoutes } from './reports.js';
import { sessionRoutes } from './sessions.js';
import { ticketRoutes } from './tickets.js';
import { voucherCodeRoutes } from './voucher-codes.js';
import { voucherRoutes } from './vouchers.js';

export const API_ROUTES: readonly ApiRoute[] = [
  ...customerRoutes, ...planRoutes, ...subscriptionRoutes, ...subscriptionActionRoutes, ...invoiceRoutes, ...paymentRoutes,
  ...nasRoutes, ...sessionRoutes, ...voucherRoutes, ...voucherCodeRoutes, ...ticketRoutes, ...reportRoutes, ...deviceRoutes, ...alertRoutes,
];
