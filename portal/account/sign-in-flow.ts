/**
 * What the portal's sign-in routes (password, one-time code, one-time link) share: the sign-in
 * page, how a refusal is shown (status and message), and starting a customer session once a
 * sign-in succeeded (audit `portal_signed_in`, then the page asked for, or the password page
 * when a customer signed in by code or link has no password yet).
 */
import { MIN_PASSWORD_LENGTH } from '../../lib/password.js';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { t } from '../../lib/i18n.js';
import { HOME, safeNext, type AccountKit, type Ctx } from './account-kit.js';
import { recordCustomerAudit } from './customer-audit.js';
import { CUSTOMER_COOKIE, setCustomerCookie } from './customer-sessions.js';
import { createPortalSignIn, type PortalCustomerRow, type Refusal } from './sign-in.js';

export interface SignInFlow {
  signIn: ReturnType<typeof createPortalSignIn>;
  /** Renders views/portal/account/login.hbs with `data` (an error, the identifier typed…). */
  loginPage: (ctx: Ctx, data: Record<string, unknown>) => void;
  /** Sets the status for `result` (429 rate limited, 503 unavailable, 422 invalid identifier, else 401) and returns the message to show. */
  refusal: (ctx: Ctx, result: Refusal) => Record<string, unknown>;
  /** Starts a session for `customers` (several when a phone is shared: the first, with a switch). */
  startSession: (ctx: Ctx, customers: PortalCustomerRow[], method: 'password' | 'code' | 'link', next: string) => Promise<void>;
}

export function createSignInFlow(kit: AccountKit): SignInFlow {
  const { deps, sessions } = kit;
  const signIn = createPortalSignIn({
    db: deps.db, redis: deps.redis, clock: deps.clock, log: deps.log, signer: deps.signer, prefix: deps.prefix, rounds: deps.config.PASSWORD_HASH_ROUNDS,
    // Read when a code is sent: the engine's channels (tests point them at fake providers).
    get channels() {
      return deps.engine?.channels ?? {};
    },
    companyName: async () => (await loadBillingSettings(deps.db)).companyName,
  });

  const loginPage: SignInFlow['loginPage'] = (ctx, data) => {
    // Only the channel that is configured is offered; without one, the page speaks of passwords only.
    const via = signIn.codeChannel();
    deps.render(ctx, 'portal/account/login', { title: t(ctx.state.locale, 'page_title.sign_in'), codes: via !== null, via, minPassword: MIN_PASSWORD_LENGTH, next: safeNext(ctx.query.next), ...data });
  };

  const refusal: SignInFlow['refusal'] = (ctx, result) => {
    ctx.status = result.code === 'rate_limited' ? 429 : result.code === 'unavailable' ? 503 : result.code === 'invalid_identifier' ? 422 : 401;
    const key = result.code === 'invalid' && !signIn.codesAvailable() ? 'invalid_password_only' : result.code;
    return { error: `portal.account.login.${key}`, waitMinutes: result.code === 'rate_limited' ? result.minutes : null };
  };

  const startSession: SignInFlow['startSession'] = async (ctx, customers, method, next) => {
    const first = customers[0]!;
    const old = ctx.cookies.get(CUSTOMER_COOKIE);
    if (old) await sessions.destroy(old);
    const token = await sessions.create({
      customerId: first.id, sessionVersion: first.portal_session_version,
      ...(customers.length > 1 ? { customerIds: customers.map((c) => c.id), accountNumbers: customers.map((c) => ({ number: c.customer_number, name: c.name })) } : {}),
    }, deps.clock.now());
    setCustomerCookie(ctx, token);
    await recordCustomerAudit(deps.db, { customerId: first.id, customerNumber: first.customer_number, ip: ctx.ip || null }, {
      action: 'portal_signed_in', objectType: 'customer', objectId: first.id, after: { method },
    });
    deps.log.info({ customerId: first.id, method }, 'customer signed in to the portal');
    ctx.redirect(method !== 'password' && !first.portal_password_hash ? `${HOME}/password?first=1` : next);
  };

  return { signIn, loginPage, refusal, startSession };
}
