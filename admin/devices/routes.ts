/**
 * Devices (network/devices/): the list (kind and parent filters, search, pages), a device's page
 * (facts, parent chain, children, ports used and free, its subscriptions, the prober's state),
 * adding and editing a device (stale edits refused; SNMP secrets never shown back), and deleting
 * one from a confirmation page (what hung off it is detached, not deleted).
 * devices.view sees; devices.edit changes.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';
import { deleteDevice } from '../../network/devices/delete-device.js';
import { DEVICE_KINDS, deviceFormInput, deviceFormValues, EMPTY_DEVICE, keptDeviceValues, type DeviceFormValues } from '../../network/devices/device-form.js';
import { addDevice, updateDevice } from '../../network/devices/save-device.js';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS } from '../../network/devices/snmp-credentials.js';
import { descendantsOf } from '../../network/devices/topology.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { listLinks } from '../list-links.js';
import { deviceDetail, loadDevice } from './device-detail.js';
import { deviceGraphs, graphRangeOf } from './device-graphs.js';
import { DEVICE_SORTS, deviceChoices, deviceListQuery, listDevices, type DeviceListQuery } from './list-devices.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

/** Notices after a change (devices.saved.*); anything else in the URL shows none. */
const SAVED = new Set(['created', 'updated', 'deleted']);
const savedOf = (ctx: Ctx): string | null => (SAVED.has(queryValue(ctx.query.saved, 20)) ? queryValue(ctx.query.saved, 20) : null);

export function createDeviceRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const secretsDeps = { db: deps.db, secrets: deps.secrets };

  async function formPage(ctx: Ctx, data: { values: DeviceFormValues; id?: number; version?: unknown; errors?: Record<string, string>; stale?: boolean; status?: number }): Promise<void> {
    const device = data.id ? await loadDevice(deps.db, data.id) : null;
    if (data.id && !device) throw new AppError('not_found', 'not_found', 404);
    // A device cannot hang off itself or a device below it: those are left out of the parent choice.
    const below = data.id ? new Set([data.id, ...(await descendantsOf(deps.db, data.id))]) : new Set<number>();
    ctx.status = data.status ?? 200;
    deps.render(ctx, 'admin/devices/form', {
      title: device ? String(device.name) : t(ctx.state.locale, 'devices.new'),
      action: data.id ? `/admin/devices/${data.id}` : '/admin/devices',
      device, kinds: DEVICE_KINDS, snmpVersions: ['1', '2c', '3'], authProtocols: SNMP_AUTH_PROTOCOLS, privProtocols: SNMP_PRIV_PROTOCOLS,
      parents: (await deviceChoices(deps.db)).filter((d) => !below.has(d.id)),
      nasList: await deps.db('nas').orderBy('name').select('id', 'name', deps.db.raw('host(ip_address) AS ip')),
      ...data,
    });
  }

  r.get('/admin/devices', ...guard('devices.view'), async (ctx) => {
    const query = deviceListQuery(ctx.query);
    const list = await listDevices(deps.db, query);
    const params = (over: Partial<DeviceListQuery>): string => {
      const p = { ...query, ...over };
      return new URLSearchParams({ q: p.q, kind: p.kind, parent: p.parent, sort: p.sort, dir: p.dir, page: String(p.page) }).toString();
    };
    const parentRow = /^\d+$/.test(query.parent) ? await deps.db('devices').where({ id: Number(query.parent) }).first('id', 'name') : null;
    deps.render(ctx, 'admin/devices/list', {
      title: t(ctx.state.locale, 'nav.devices'), query, list, kinds: DEVICE_KINDS, parentRow, saved: savedOf(ctx),
      parents: (await deviceChoices(deps.db)).filter((d) => d.port_count !== null || d.kind === 'olt' || d.kind === 'router' || d.kind === 'switch'),
      ...listLinks({ query, list, sorts: DEVICE_SORTS, params, csvPath: '/admin/devices' }),
    }, 'partials/admin/device-results');
  });

  r.get('/admin/devices/new', ...guard('devices.edit'), async (ctx) => {
    const parent = queryValue(ctx.query.parent_id, 16);
    await formPage(ctx, { values: { ...EMPTY_DEVICE, parent_id: /^\d{1,15}$/.test(parent) ? parent : '' } });
  });

  r.post('/admin/devices', ...guard('devices.edit'), async (ctx) => {
    const values = deviceFormInput(formBody(ctx));
    const outcome = await addDevice(secretsDeps, actorOf(ctx), values);
    if (outcome.ok) return ctx.redirect(`/admin/devices/${outcome.id}?saved=created`);
    await formPage(ctx, { values: keptDeviceValues(values), errors: outcome.code === 'invalid' ? outcome.errors : {}, status: 422 });
  });

  r.get('/admin/devices/:id', ...guard('devices.view'), async (ctx) => {
    const detail = await deviceDetail(deps.db, idParam(ctx.params.id));
    if (!detail) throw new AppError('not_found', 'not_found', 404);
    const graphs = await deviceGraphs(deps.db, idParam(ctx.params.id), graphRangeOf(ctx.query.range), deps.clock.now(), deps.config.ISP_TIME_ZONE, ctx.state.locale);
    deps.render(ctx, 'admin/devices/show', { title: String((detail.device as { name: string }).name), ...detail, ...graphs, saved: savedOf(ctx) });
  });

  r.get('/admin/devices/:id/edit', ...guard('devices.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const device = await deps.db('devices').where({ id }).first();
    if (!device) throw new AppError('not_found', 'not_found', 404);
    await formPage(ctx, { values: deviceFormValues(device), id, version: device.version });
  });

  r.post('/admin/devices/:id', ...guard('devices.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = formBody(ctx);
    const values = deviceFormInput(body);
    const outcome = await updateDevice(secretsDeps, actorOf(ctx), id, Number(body.version), values);
    if (outcome.ok) return ctx.redirect(`/admin/devices/${id}?saved=updated`);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    const stale = outcome.code === 'stale';
    const current = stale ? await loadDevice(deps.db, id) : null;
    await formPage(ctx, { values: keptDeviceValues(values), id, version: current?.version ?? body.version, errors: outcome.code === 'invalid' ? outcome.errors : {}, stale, status: stale ? 409 : 422 });
  });

  r.get('/admin/devices/:id/delete', ...guard('devices.edit'), async (ctx) => {
    const detail = await deviceDetail(deps.db, idParam(ctx.params.id));
    if (!detail) throw new AppError('not_found', 'not_found', 404);
    deps.render(ctx, 'admin/devices/delete', { title: String((detail.device as { name: string }).name), ...detail });
  });

  r.post('/admin/devices/:id/delete', ...guard('devices.edit'), async (ctx) => {
    const outcome = await deleteDevice(deps.db, actorOf(ctx), idParam(ctx.params.id));
    if (!outcome.ok) throw new AppError('not_found', 'not_found', 404);
    ctx.redirect('/admin/devices?saved=deleted');
  });
  return r;
}
