/**
 * What every route of the customers' self-service portal (/portal/account) shares: its paths, the
 * signed-in guard, the customer's sessions and the page renderer with the account nav.
 *
 * Scoping: every page reads the signed-in customer's id from their session (Redis) and queries
 * with it; nothing in a URL or form names a customer. Invoices are addressed by number and
 * tickets by reference, each looked up together with the customer id, so another customer's
 * number is "not found" (404), exactly like a number that does not exist. Pages render no
 * internal ids. CSRF: the portal's double-submit token (portal/context.ts) on every POST.
 */
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';
import { loadPortalCustomer, type PortalCustomer } from './account-data.js';
import type { CustomerActor } from './customer-audit.js';
import { CUSTOMER_COOKIE, createCustomerSessions, setCustomerCookie, type CustomerSession } from './customer-sessions.js';

export interface AccountState extends PortalState {
  customer: PortalCustomer;
  session: CustomerSession;
  sessionToken: string;
}
export type Ctx = Koa.ParameterizedContext<PortalState>;
export type AccountCtx = Koa.ParameterizedContext<AccountState>;

export const HOME = '/portal/account';
export const LOGIN = '/portal/account/login';

export const notFound = (): AppError => new AppError('not_found', 'not_found', 404);

/** Only paths of this portal section (no open redirect through `next`). */
export const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/portal\/account(\/[A-Za-z0-9]|$|\?)/.test(next) && !next.includes('//') ? next : HOME);

/** An invoice number as the URL carries it (its slashes percent-encoded by encodeURIComponent). */
export const invoicePath = (invoiceNumber: string): string => `${HOME}/invoices/${encodeURIComponent(invoiceNumber)}`;

export interface AccountKit {
  deps: PortalDeps;
  sessions: ReturnType<typeof createCustomerSessions>;
  /** The ISP's time zone (config ISP_TIME_ZONE). */
  timeZone: () => string;
  /** The signed-in customer as the audit log names them. */
  actorOf: (ctx: AccountCtx) => CustomerActor;
  /** Renders an account page with the customer's nav (views/partials/portal/account-nav.hbs). */
  page: (ctx: AccountCtx, view: string, data: Record<string, unknown>, fragment?: string) => void;
  /** `handler` for signed-in customers only; anyone else goes to sign-in (htmx: the whole page, HX-Redirect). */
  account: (handler: (ctx: AccountCtx) => Promise<void> | void) => Array<Koa.Middleware<PortalState>>;
}

export function createAccountKit(deps: PortalDeps): AccountKit {
  const sessions = createCustomerSessions({ redis: deps.redis, prefix: deps.prefix });

  const page: AccountKit['page'] = (ctx, view, data, fragment) => {
    const c = ctx.state.customer;
    deps.render(ctx as unknown as Ctx, `portal/account/${view}`, {
      ...data,
      me: { name: c.name, customerNumber: c.customer_number, hasPassword: c.has_password },
      accounts: ctx.state.session.customerIds && ctx.state.session.customerIds.length > 1 ? ctx.state.session.accountNumbers : null,
      section: view.split('-')[0],
    }, fragment);
  };

  const signedIn: Koa.Middleware<PortalState> = async (ctx, next) => {
    const token = ctx.cookies.get(CUSTOMER_COOKIE);
    const session = await sessions.get(token);
    const customer = session ? await loadPortalCustomer(deps.db, session.customerId) : null;
    if (!session || !customer || customer.portal_session_version !== session.sessionVersion) {
      if (session) await sessions.destroy(token);
      if (token) setCustomerCookie(ctx, null);
      const back = ctx.method === 'GET' && !ctx.get('HX-Request') && ctx.path !== HOME ? `?next=${encodeURIComponent(ctx.originalUrl)}` : '';
      if (ctx.get('HX-Request')) {
        ctx.status = 204;
        ctx.set('HX-Redirect', `${LOGIN}${back}`);
      } else ctx.redirect(`${LOGIN}${back}`);
      return;
    }
    const s = ctx.state as AccountState;
    s.customer = customer;
    s.session = session;
    s.sessionToken = token!;
    await next();
  };

  return {
    deps,
    sessions,
    timeZone: () => deps.config.ISP_TIME_ZONE,
    actorOf: (ctx) => ({ customerId: ctx.state.customer.id, customerNumber: ctx.state.customer.customer_number, ip: ctx.ip || null }),
    page,
    account: (handler) => [signedIn, (ctx) => handler(ctx as unknown as AccountCtx)],
  };
}
