/**
 * A router's RadSec certificate (ARCHITECTURE.md "RadSec"): the page, issue (a reissue revokes the
 * current certificate), revoke, and the bundle download (private key, certificate, CA in one PEM
 * file). Every route needs nas.edit (the bundle holds a private key; the page leads to it); every
 * change and every download is audited by aaa/radsec/client-certificates.ts. State changes are
 * POST forms with the CSRF token (`guard`), the download too (a private key is not a GET link).
 */
import Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { idParam, queryValue } from '../../lib/http/request.js';
import { clientBundle, issueClientCertificate, revokeClientCertificate } from '../../aaa/radsec/client-certificates.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { radsecPage } from './radsec-screen.js';

const SAVED = new Set(['issued', 'revoked']);
const SERVER = /^[A-Za-z0-9.:-]{1,253}$/;

export function createRadsecRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/nas/:id/radsec', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const server = queryValue(ctx.query.server, 253).trim() || ctx.hostname;
    if (!SERVER.test(server)) throw new AppError('bad_server', 'error.invalid', 400);
    const page = await radsecPage(deps, id, ctx.state.locale, server);
    if (!page) throw new AppError('not_found', 'not_found', 404);
    const saved = queryValue(ctx.query.saved, 20);
    deps.render(ctx, 'admin/nas/radsec', { title: `${t(ctx.state.locale, 'radsec.title')}: ${page.name}`, ...page, saved: SAVED.has(saved) ? saved : null });
  });

  r.post('/admin/nas/:id/radsec/issue', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const result = await issueClientCertificate(deps.db, deps.secrets, actorOf(ctx), id, deps.clock.now());
    if (!result.ok) throw new AppError('not_found', 'not_found', 404);
    ctx.redirect(`/admin/nas/${id}/radsec?saved=issued`);
  });

  r.post('/admin/nas/:id/radsec/revoke', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const result = await revokeClientCertificate(deps.db, actorOf(ctx), id, deps.clock.now());
    if (!result.ok && result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.redirect(`/admin/nas/${id}/radsec${result.ok ? '?saved=revoked' : ''}`);
  });

  r.post('/admin/nas/:id/radsec/bundle', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const bundle = await clientBundle(deps.db, deps.secrets, actorOf(ctx), id);
    if (!bundle) throw new AppError('not_found', 'not_found', 404);
    ctx.type = 'application/x-pem-file';
    ctx.set('Content-Disposition', `attachment; filename="${bundle.fileName}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = bundle.pem;
  });
  return r;
}
