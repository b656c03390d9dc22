/**
 * Staff and roles (staff.manage: admins only): the staff list, a new account (its one-time
 * password shown once), a member's page (change role, deactivate / reactivate, reset the
 * password; a collector's areas: staff-areas.ts), and the read-only permission matrix of
 * lib/permissions.ts.
 */
import Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { AREA_SCOPED_ROLES, PERMISSIONS, permissionsOf, STAFF_ROLES, type StaffRole } from '../../lib/permissions.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { streamCsv } from '../csv.js';
import { t } from '../../lib/i18n.js';
import {
  addStaff, changeStaffRole, EMPTY_STAFF, formInput, listStaff, loadStaffMember, resetStaffPassword, setStaffActive, type StaffChangeOutcome,
} from './manage-staff.js';
import { areaChoices, areasFromForm, loadStaffAreas, setStaffAreas } from './staff-areas.js';

/** Notices after a change (staff.saved.*); anything else in the URL shows none. */
const SAVED = new Set(['role', 'deactivated', 'reactivated', 'areas']);

export function createStaffRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  // Read per request: the router is also built without deps (test/scenarios/admin-authorization lists its routes).
  const rounds = (): number => deps.config.PASSWORD_HASH_ROUNDS;

  const memberPage = async (ctx: Parameters<AdminDeps['render']>[0], id: number, extra: Record<string, unknown> = {}): Promise<void> => {
    const member = await loadStaffMember(deps.db, id);
    if (!member) throw new AppError('not_found', 'not_found', 404);
    const saved = queryValue(ctx.query.saved, 20);
    // An area-scoped role (a collector) reaches only the customers of its areas: they are set here.
    const scoped = AREA_SCOPED_ROLES.has(member.role as StaffRole);
    const [areas, choices] = scoped ? await Promise.all([loadStaffAreas(deps.db, id), areaChoices(deps.db, id)]) : [[], []];
    deps.render(ctx, 'admin/staff/show', {
      title: member.name, member, roles: STAFF_ROLES, self: member.id === ctx.state.staff!.id,
      scoped, areas: choices.map((area) => ({ area, assigned: areas.includes(area) })), assignedAreas: areas,
      locked: member.locked_until !== null && new Date(member.locked_until) > deps.clock.now(),
      saved: SAVED.has(saved) ? saved : null, ...extra,
    });
  };

  /** A refused change: the member's page again with the reason, 409 (stale, self, last admin) or 422. */
  const refused = async (ctx: Parameters<AdminDeps['render']>[0], id: number, outcome: Exclude<StaffChangeOutcome, { ok: true }> | { ok: false; code: 'invalid_areas' }): Promise<void> => {
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.status = outcome.code === 'invalid' || outcome.code === 'invalid_areas' ? 422 : 409;
    await memberPage(ctx, id, { refusal: `staff.refused.${outcome.code}` });
  };

  r.get('/admin/staff', ...guard('staff.manage'), async (ctx) => {
    const now = deps.clock.now();
    const rows = (await listStaff(deps.db)).map((m) => ({ ...m, locked: m.locked_until !== null && new Date(m.locked_until) > now, self: m.id === ctx.state.staff!.id }));
    deps.render(ctx, 'admin/staff/list', { title: t(ctx.state.locale, 'nav.staff'), rows });
  });

  r.get('/admin/staff.csv', ...guard('staff.manage'), async (ctx) => {
    const rows = await listStaff(deps.replicaDb);
    await streamCsv(ctx, `staff-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['username', 'name', 'email', 'role', 'active', 'must_change_password', 'locked_until', 'last_login_at'],
      async function* () {
        for (const m of rows) {
          yield [m.username, m.name, m.email, m.role, m.is_active ? 'yes' : 'no', m.must_change_password ? 'yes' : 'no',
            m.locked_until ? new Date(m.locked_until).toISOString() : null, m.last_login_at ? new Date(m.last_login_at).toISOString() : null];
        }
      });
  });

  r.get('/admin/staff/roles', ...guard('staff.manage'), (ctx) => {
    const sets = STAFF_ROLES.map((role) => permissionsOf(role));
    deps.render(ctx, 'admin/staff/roles', {
      title: t(ctx.state.locale, 'staff.roles'),
      roles: STAFF_ROLES,
      matrix: PERMISSIONS.map((permission) => ({ permission, granted: sets.map((s) => s.has(permission)) })),
    });
  });

  r.get('/admin/staff/new', ...guard('staff.manage'), (ctx) => {
    deps.render(ctx, 'admin/staff/form', { title: t(ctx.state.locale, 'staff.new'), values: EMPTY_STAFF, roles: STAFF_ROLES });
  });

  r.post('/admin/staff', ...guard('staff.manage'), async (ctx) => {
    const values = formInput(formBody(ctx));
    const result = await addStaff(deps.db, actorOf(ctx), values, rounds());
    if (!result.ok) {
      ctx.status = 422;
      return deps.render(ctx, 'admin/staff/form', { title: t(ctx.state.locale, 'staff.new'), values, roles: STAFF_ROLES, errors: result.errors });
    }
    // Shown once, on this response only: not in a URL, not stored in clear.
    const member = await loadStaffMember(deps.db, result.id);
    deps.render(ctx, 'admin/staff/password-once', { title: member!.name, member, oneTimePassword: result.oneTimePassword, created: true });
  });

  r.get('/admin/staff/:id', ...guard('staff.manage'), async (ctx) => memberPage(ctx, idParam(ctx.params.id)));

  r.post('/admin/staff/:id/role', ...guard('staff.manage'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = formBody(ctx);
    const outcome = await changeStaffRole(deps.db, actorOf(ctx), id, Number(body.version), String(body.role ?? ''));
    if (outcome.ok) return ctx.redirect(`/admin/staff/${id}?saved=role`);
    await refused(ctx, id, outcome);
  });

  r.post('/admin/staff/:id/areas', ...guard('staff.manage'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const outcome = await setStaffAreas(deps.db, actorOf(ctx), id, areasFromForm(formBody(ctx)));
    if (outcome.ok) return ctx.redirect(`/admin/staff/${id}?saved=areas`);
    await refused(ctx, id, outcome.code === 'invalid' ? { ok: false, code: 'invalid_areas' } : outcome);
  });

  for (const [verb, active] of [['deactivate', false], ['reactivate', true]] as const) {
    r.post(`/admin/staff/:id/${verb}`, ...guard('staff.manage'), async (ctx) => {
      const id = idParam(ctx.params.id);
      const outcome = await setStaffActive(deps.db, actorOf(ctx), id, active);
      if (outcome.ok) return ctx.redirect(`/admin/staff/${id}?saved=${verb}d`);
      await refused(ctx, id, outcome);
    });
  }

  r.post('/admin/staff/:id/password', ...guard('staff.manage'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const outcome = await resetStaffPassword(deps.db, actorOf(ctx), id, rounds());
    if (!outcome.ok) return refused(ctx, id, outcome);
    const member = await loadStaffMember(deps.db, id);
    deps.render(ctx, 'admin/staff/password-once', { title: member!.name, member, oneTimePassword: outcome.oneTimePassword, created: false });
  });

  return r;
}
