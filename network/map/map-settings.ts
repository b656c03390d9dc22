/**
 * The network map's background (settings row `network_map`): the tile URL template and its
 * attribution. Default: OpenStreetMap's standard tiles, whose tile usage policy asks for the
 * attribution "© OpenStreetMap contributors" (https://operations.osmfoundation.org/policies/tiles/).
 * An empty tile URL draws no tiles: the map is then a plain background with a scale, markers and
 * links (public/network-map.js), as it is when the tiles cannot be reached (an ISP offline).
 *
 * A tile URL is a Leaflet TileLayer template (https://leafletjs.com/reference.html#tilelayer):
 * http(s), with {z}, {x} and {y}; `{s}` (a subdomain) only as the host's leftmost label, so the
 * page's Content-Security-Policy can name the host (`https://*.tile.example.org`: CSP Level 3
 * §2.3.1 host-source allows a wildcard only there).
 */
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { readSetting, writeSetting } from '../../lib/settings-store.js';

export const MAP_SETTINGS_KEY = 'network_map';
export const OSM_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

export interface MapSettings {
  /** A Leaflet tile URL template, or '' for no tiles. */
  tileUrl: string;
  /** Plain text shown in the map's corner (not HTML). */
  attribution: string;
}

export const DEFAULT_MAP_SETTINGS: MapSettings = { tileUrl: OSM_TILE_URL, attribution: OSM_ATTRIBUTION };

const PLACEHOLDER = /\{[a-z]+\}/g;

/**
 * The CSP host-source of a tile URL template (`https://tile.openstreetmap.org`,
 * `https://*.tile.example.org:8443`), or null when the template is not one we accept.
 */
export function tileSource(tileUrl: string): string | null {
  const m = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/i.exec(tileUrl.trim());
  if (!m) return null;
  const [, scheme, host, path = '', query = ''] = m;
  if (!['{z}', '{x}', '{y}'].every((p) => (path + query).includes(p))) return null;
  const wild = host!.startsWith('{s}.');
  const bare = wild ? host!.slice(4) : host!;
  // A DNS name or IPv4 address and an optional port: nothing that could end the CSP directive.
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(bare)) return null;
  const placeholders = (path + query).match(PLACEHOLDER) ?? [];
  if (!placeholders.every((p) => ['{z}', '{x}', '{y}', '{s}', '{r}'].includes(p))) return null;
  let url: URL;
  try {
    url = new URL(`${scheme}://${wild ? `a.${bare}` : bare}/`);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  return `${url.protocol}//${wild ? '*.' : ''}${wild ? url.host.slice(2) : url.host}`;
}

const mapForm = z.object({
  tileUrl: z.string().trim().max(300, 'error.too_long').refine((v) => v === '' || tileSource(v) !== null, 'map.error.tile_url'),
  attribution: z.string().trim().max(200, 'error.too_long'),
});

/** The stored settings (defaults filled in) and the row's version (0: never saved). */
export async function loadMapSettings(db: Knex): Promise<{ settings: MapSettings; version: number }> {
  const row = await readSetting(db, MAP_SETTINGS_KEY);
  const v = (row.value && typeof row.value === 'object' ? row.value : {}) as Partial<Record<keyof MapSettings, unknown>>;
  const settings: MapSettings = {
    tileUrl: typeof v.tileUrl === 'string' && (v.tileUrl === '' || tileSource(v.tileUrl)) ? v.tileUrl : DEFAULT_MAP_SETTINGS.tileUrl,
    attribution: typeof v.attribution === 'string' ? v.attribution : DEFAULT_MAP_SETTINGS.attribution,
  };
  return { settings, version: row.version };
}

export type MapSettingsOutcome = { ok: true } | { ok: false; code: 'invalid'; errors: Record<string, string> } | { ok: false; code: 'stale' };

/**
 * Saves the map settings typed on the settings page opened at `version`; audited
 * (`settings_updated`, object `network_map`) in the same transaction.
 */
export async function saveMapSettings(db: Knex, actor: AuditActor, version: number, input: Record<string, unknown>): Promise<MapSettingsOutcome> {
  const parsed = mapForm.safeParse({ tileUrl: String(input.tileUrl ?? ''), attribution: String(input.attribution ?? '') });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
    return { ok: false, code: 'invalid', errors };
  }
  return db.transaction(async (trx) => {
    const written = await writeSetting(trx, MAP_SETTINGS_KEY, parsed.data, version);
    if (!written.ok) return written;
    await recordAudit(trx, actor, { action: 'settings_updated', objectType: 'settings', objectId: MAP_SETTINGS_KEY, before: (written.before ?? null) as Record<string, unknown> | null, after: parsed.data });
    return { ok: true } as const;
  });
}
