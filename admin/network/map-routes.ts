/**
 * The network map (/admin/network/map, devices.view): Leaflet (served by us: web/web-role.ts)
 * and public/network-map.js draw subscriptions coloured by state, devices by kind, the links to
 * their parents and ODP capacity, from GET /admin/network/map/features?bbox=w,s,e,n (JSON,
 * network/map/map-features.ts, each layer capped). Staff who may edit set a location by clicking
 * the map or pasting "lat, lng" (subscriptions.edit / devices.edit: set-location.ts).
 *
 * The page's Content-Security-Policy adds the configured tile host to img-src (network/map/
 * map-settings.ts `tileSource`); every other page keeps lib/http/security-headers.ts's policy.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { contentSecurityPolicy } from '../../lib/http/security-headers.js';
import { t, type Locale } from '../../lib/i18n.js';
import { parseLatLng } from '../../network/devices/coordinates.js';
import { DEVICE_KINDS } from '../../network/devices/device-form.js';
import { parseBoundingBox } from '../../network/map/bounding-box.js';
import { locatedExtent, mapFeatures } from '../../network/map/map-features.js';
import { loadMapSettings, tileSource } from '../../network/map/map-settings.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { setDeviceLocation, setSubscriptionLocation, type SetLocationOutcome } from './set-location.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

/** Rows per layer when the request names no limit, and the most it may ask for. */
export const MAP_LIMIT_DEFAULT = 2000;
export const MAP_LIMIT_MAX = 5000;

const TEXTS = ['map.state.online', 'map.state.offline', 'map.state.isolated', 'map.state.overdue', 'map.open_subscription', 'map.open_device', 'map.ports',
  'map.ports_used', 'map.ports_free', 'map.subscriptions_here', 'map.device_state.up', 'map.device_state.down', 'map.device_state.unknown', 'map.capped',
  'map.place_this', 'map.count', 'map.saved', 'map.save_failed', 'map.no_location', 'map.online_now', 'map.port'] as const;

/** The texts network-map.js shows (popups, legend notes), by key. */
function clientTexts(locale: Locale): Record<string, string> {
  return Object.fromEntries([...TEXTS.map((k) => [k, t(locale, k)]), ...DEVICE_KINDS.map((k) => [`kind.${k}`, t(locale, `devices.kind.${k}`)])]);
}

type Target = { kind: 'subscription' | 'device'; id: number; label: string; location: string };

/**
 * `?place=subscription:12` / `device:5` (the "Map" link of a device or subscription page): the
 * row the map opens on, when it exists; `editable` when the staff member may set its location.
 */
async function placeTarget(deps: AdminDeps, ctx: Ctx): Promise<(Target & { editable: boolean }) | null> {
  const m = /^(subscription|device):(\d{1,15})$/.exec(queryValue(ctx.query.place, 40));
  if (!m) return null;
  const kind = m[1] as Target['kind'];
  const id = Number(m[2]);
  const editable = ctx.state.staff!.permissions.has(kind === 'device' ? 'devices.edit' : 'subscriptions.edit');
  const row = kind === 'device'
    ? await deps.db('devices').where({ id }).first('name as label', 'latitude', 'longitude')
    : await deps.db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id').where('s.id', id).whereNot('s.status', 'terminated')
      .first(deps.db.raw(`c.name || ' (' || s.username || ')' AS label`), 's.latitude', 's.longitude');
  if (!row) return null;
  return { kind, id, editable, label: String(row.label), location: row.latitude === null ? '' : `${Number(row.latitude)}, ${Number(row.longitude)}` };
}

function locationAnswer(ctx: Ctx, outcome: SetLocationOutcome): void {
  ctx.set('Cache-Control', 'no-store');
  if (outcome.ok) {
    ctx.body = { ok: true };
    return;
  }
  if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
  const locale = ctx.state.locale;
  ctx.status = outcome.code === 'invalid' ? 422 : 409;
  const errors = outcome.code === 'invalid' ? Object.values(outcome.errors).map((k) => t(locale, k)) : [t(locale, outcome.code === 'stale' ? 'map.error.stale' : 'map.error.terminated')];
  ctx.body = { ok: false, errors };
}

export function createNetworkMapRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/network/map', ...guard('devices.view'), async (ctx) => {
    const { settings } = await loadMapSettings(deps.db);
    const source = settings.tileUrl ? tileSource(settings.tileUrl) : null;
    const target = await placeTarget(deps, ctx);
    const focus = target ? parseLatLng(target.location) : null;
    const perms = ctx.state.staff!.permissions;
    deps.render(ctx, 'admin/network/map', {
      title: t(ctx.state.locale, 'nav.map'),
      tileUrl: source ? settings.tileUrl : '', attribution: settings.attribution,
      extent: JSON.stringify(await locatedExtent(deps.db)),
      focus: focus?.ok && focus.value ? JSON.stringify(focus.value) : '',
      target: target?.editable ? target : null, texts: JSON.stringify(clientTexts(ctx.state.locale)), limit: MAP_LIMIT_DEFAULT,
      canPlaceSubscriptions: perms.has('subscriptions.edit'), canPlaceDevices: perms.has('devices.edit'),
      states: ['online', 'offline', 'isolated', 'overdue'], kinds: DEVICE_KINDS,
    });
    // After render (which sets its own headers): the tile host may serve this page's images.
    if (source) ctx.set('Content-Security-Policy', contentSecurityPolicy({ imgSources: [source] }));
  });

  r.get('/admin/network/map/features', ...guard('devices.view'), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const box = parseBoundingBox(queryValue(ctx.query.bbox, 200));
    const limitText = queryValue(ctx.query.limit, 6);
    const limit = /^\d{1,4}$/.test(limitText) ? Math.min(MAP_LIMIT_MAX, Math.max(1, Number(limitText))) : MAP_LIMIT_DEFAULT;
    if (!box) {
      ctx.status = 400;
      ctx.body = { ok: false, errors: ['bbox=west,south,east,north'] };
      return;
    }
    ctx.body = { ok: true, bbox: box, limit, ...(await mapFeatures(deps.db, box, limit)) };
  });

  r.post('/admin/network/map/subscriptions/:id/location', ...guard('subscriptions.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const at = parseLatLng(String(formBody(ctx).location ?? '').slice(0, 100));
    if (!at.ok) return locationAnswer(ctx, { ok: false, code: 'invalid', errors: { location: `devices.error.location_${at.error}` } });
    locationAnswer(ctx, await setSubscriptionLocation({ db: deps.db, engine: deps.engine }, actorOf(ctx), id, at.value));
  });

  r.post('/admin/network/map/devices/:id/location', ...guard('devices.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const at = parseLatLng(String(formBody(ctx).location ?? '').slice(0, 100));
    if (!at.ok) return locationAnswer(ctx, { ok: false, code: 'invalid', errors: { location: `devices.error.location_${at.error}` } });
    locationAnswer(ctx, await setDeviceLocation({ db: deps.db, secrets: deps.secrets }, actorOf(ctx), id, at.value));
  });
  return r;
}
