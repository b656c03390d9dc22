/**
 * REST API tokens in the console (/admin/api-tokens, api_tokens.manage: admins): every token with
 * its staff member, role, the first characters, created and last use (time and address), and
 * whether it is revoked; a form to create one for an active staff member (the token is shown once,
 * on the answer to the POST, and never stored: lib/api-tokens/token-secret.ts); revoke, confirmed.
 * The use cases are lib/api-tokens/ (the CLI `npm run api-token` uses the same); both audit.
 * CSRF is checked for every POST by `guard`.
 */
import Router from '@koa/router';
import { createApiToken } from '../../lib/api-tokens/create-api-token.js';
import { listApiTokens } from '../../lib/api-tokens/list-api-tokens.js';
import { revokeApiToken } from '../../lib/api-tokens/revoke-api-token.js';
import { AppError } from '../../lib/errors.js';
import { formBody, idParam } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';

type Ctx = Parameters<AdminDeps['render']>[0];

export function createApiTokenRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  async function page(ctx: Ctx, extra: Record<string, unknown> = {}): Promise<void> {
    const [tokens, staff] = await Promise.all([
      listApiTokens(deps.db),
      deps.db('staff_users').where({ is_active: true }).orderBy('username').select('id', 'username', 'name', 'role'),
    ]);
    deps.render(ctx, 'admin/api-tokens/list', { title: t(ctx.state.locale, 'api_tokens.title'), tokens, staffChoices: staff, values: { name: '', staff_user_id: String(ctx.state.staff!.id) }, ...extra });
  }

  r.get('/admin/api-tokens', ...guard('api_tokens.manage'), async (ctx) => {
    await page(ctx);
  });

  r.post('/admin/api-tokens', ...guard('api_tokens.manage'), async (ctx) => {
    const body = formBody(ctx);
    const staffUserId = /^\d{1,15}$/.test(String(body.staff_user_id ?? '')) ? Number(body.staff_user_id) : 0;
    const made = await createApiToken(deps.db, { staffUserId, name: String(body.name ?? '').slice(0, 200), actor: actorOf(ctx) });
    if (!made.ok) {
      ctx.status = 422;
      return page(ctx, { error: `api_tokens.error.${made.code}`, values: { name: String(body.name ?? '').slice(0, 100), staff_user_id: String(staffUserId) } });
    }
    // Shown once, on this answer; never cached.
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    await page(ctx, { created: { id: made.id, token: made.token } });
  });

  r.post('/admin/api-tokens/:id/revoke', ...guard('api_tokens.manage'), async (ctx) => {
    const outcome = await revokeApiToken({ db: deps.db, clock: deps.clock }, { tokenId: idParam(ctx.params.id), actor: actorOf(ctx) });
    if (!outcome.ok && outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.redirect('/admin/api-tokens');
  });

  return r;
}
