/** Invoices: list, view, print, PDF, void, send again. */
import Router from '@koa/router';
import type { AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';

export function createInvoiceRoutes(_deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  return r;
}
