/**
 * The routers screen: each NAS with its CoA port, Message-Authenticator setting, API access and
 * open sessions, and its RouterOS scripts (routeros/router-scripts.ts): the setup script with
 * the shared secret opened from the encrypted column, the options a technician picks on the page
 * (server address, RouterOS version, interfaces, pool ranges, a WireGuard tunnel), and the
 * cut-over and rollback scripts.
 */
import net from 'node:net';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { DEFAULT_NETWORK } from './routeros/address-plan.js';
import { cutover, defaultPoolLines, rollback, setupScript } from './routeros/router-scripts.js';
import { TUNNEL_ROUTER_ADDRESS } from './routeros/wireguard.js';

export async function listNas(db: Knex): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.raw(
    `SELECT n.id, n.name, host(n.ip_address) AS ip, n.vendor, n.coa_port, n.require_message_authenticator, n.is_active,
            (n.routeros_username IS NOT NULL AND n.routeros_password_enc IS NOT NULL) AS api,
            (SELECT count(*)::int FROM accounting_sessions a WHERE a.nas_ip_address = n.ip_address AND a.stop_time IS NULL) AS online
       FROM nas n ORDER BY n.name, n.id`,
  );
  return rows;
}

/** The script page's fields, as typed (query string). */
export interface ScriptForm {
  server: string;
  routeros: '7.15' | '7' | '6';
  pppoe_interface: string;
  hotspot_interface: string;
  hotspot_address: string;
  pools: string;
  tunnel: string;
}

export interface NasScript {
  name: string;
  form: ScriptForm;
  script: string | null;
  /** Field → error key (`error.nas.script.<field>`). */
  errors: Record<string, string>;
  wgQuick: string | null;
  /** The captive portal URL the walled garden redirects to. */
  portalUrl: string;
  /** PUBLIC_URL is not set: the portal URL was made from the server address and PORT. */
  portalGuessed: boolean;
  /** `/radius address=` takes an IP address: false when `server` is a host name. */
  serverIsIp: boolean;
  /** With a tunnel, the router's registered address is not its tunnel address. */
  tunnelAddressMismatch: string | null;
}

type Deps = { db: Knex; secrets: SecretBox; config: Config };

const INTERFACE = /^[A-Za-z0-9_.-]{1,64}$/;
const HOST = /^[A-Za-z0-9.:-]{1,253}$/;

/**
 * The script page of NAS `id` for the fields typed (missing ones get their defaults: the
 * router's Message-Authenticator setting picks 7.15 or 7, address-plan.ts the rest), or null
 * when there is no such router.
 */
export async function nasScript(deps: Deps, id: number, locale: Locale, typed: Partial<Record<keyof ScriptForm, string>>): Promise<NasScript | null> {
  const nas = await deps.db('nas').where({ id }).first('name', 'secret_enc', 'coa_port', 'require_message_authenticator', deps.db.raw('host(ip_address) AS ip'));
  if (!nas) return null;
  const form: ScriptForm = {
    server: (typed.server ?? '').trim(),
    routeros: typed.routeros === '6' || typed.routeros === '7' || typed.routeros === '7.15' ? typed.routeros : nas.require_message_authenticator ? '7.15' : '7',
    pppoe_interface: (typed.pppoe_interface ?? '').trim() || DEFAULT_NETWORK.pppoeInterface,
    hotspot_interface: (typed.hotspot_interface ?? '').trim() || DEFAULT_NETWORK.hotspotInterface,
    hotspot_address: (typed.hotspot_address ?? '').trim() || DEFAULT_NETWORK.hotspotAddress,
    pools: typed.pools?.trim() ? typed.pools : await defaultPoolLines(deps.db),
    tunnel: (typed.tunnel ?? '').trim(),
  };
  const errors: Record<string, string> = {};
  if (!INTERFACE.test(form.pppoe_interface)) errors.pppoe_interface = 'interface';
  if (!INTERFACE.test(form.hotspot_interface)) errors.hotspot_interface = 'interface';
  if (form.tunnel && !HOST.test(form.tunnel)) errors.tunnel = 'tunnel';
  if (form.tunnel && form.routeros === '6') errors.tunnel = 'tunnel_v6';
  const base = deps.config.PUBLIC_URL?.replace(/\/+$/, '');
  const result: NasScript = {
    name: nas.name,
    form,
    script: null,
    errors,
    wgQuick: null,
    portalUrl: '',
    portalGuessed: !base,
    serverIsIp: net.isIP(form.server) !== 0,
    tunnelAddressMismatch: form.tunnel && nas.ip !== TUNNEL_ROUTER_ADDRESS ? TUNNEL_ROUTER_ADDRESS : null,
  };
  if (Object.keys(errors).length) return result;
  const made = await setupScript(deps, { secret: deps.secrets.open(nas.secret_enc), coaPort: Number(nas.coa_port) }, {
    locale,
    server: form.server,
    routerOs: form.routeros === '6' ? 6 : 7,
    messageAuth: form.routeros === '7.15',
    network: { ...DEFAULT_NETWORK, pppoeInterface: form.pppoe_interface, hotspotInterface: form.hotspot_interface, hotspotAddress: form.hotspot_address },
    poolLines: form.pools.split(/\r?\n/),
    tunnelEndpoint: form.tunnel || null,
  });
  if ('error' in made) {
    errors[made.error === 'tunnel' ? 'tunnel' : made.error] = made.error === 'tunnel' ? 'tunnel_v6' : made.error;
    return result;
  }
  return { ...result, script: made.script, wgQuick: made.wgQuick, portalUrl: `${made.portalBase}/portal/captive` };
}

/** The cut-over and rollback scripts (canary typed or the default), or an error key. */
export async function nasCutover(deps: Deps, locale: Locale, canary: string): Promise<{ cutover: string | null; canary: string; error: string | null; rollback: string }> {
  const made = await cutover(deps, locale, canary || null);
  const back = await rollback(deps, locale);
  return 'error' in made ? { cutover: null, canary, error: made.error, rollback: back } : { cutover: made.script, canary: made.canary, error: null, rollback: back };
}
