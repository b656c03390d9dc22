/**
 * The scripts of one registered router, filled in from the database and the configuration: the
 * setup script (setup-script.ts) with the pools the plans name, the WireGuard server side when
 * the router is behind NAT, the login.html, and the cut-over and rollback (cutover-script.ts).
 * Used by the console's router page and `npm run nas`.
 */
import { parseAaaSettings } from '../../../aaa/settings/aaa-settings.js';
import type { Config } from '../../../lib/config.js';
import type { Knex } from '../../../lib/db.js';
import { t, type Locale } from '../../../lib/i18n.js';
import { defaultPools, hotspotNetwork, poolsWithOverrides, type PoolRange, type RouterNetwork } from './address-plan.js';
import { cutoverScript, cutoverUsers, rollbackScript } from './cutover-script.js';
import { hotspotLoginHtml } from './hotspot-login-html.js';
import { portalBaseOf, routerOsSetupScript } from './setup-script.js';
import { newTunnel, wgQuickConfig } from './wireguard.js';
import { defaultIpv6Pools } from './ipv6-script.js';

type Deps = { db: Knex; config: Pick<Config, 'PUBLIC_URL' | 'PORT' | 'RADIUS_AUTH_PORT' | 'RADIUS_ACCT_PORT' | 'RADIUS_INTERIM_INTERVAL'> };

export interface SetupOptions {
  locale: Locale;
  /** This server's IP address as the router reaches it (ignored with a tunnel: the tunnel's server address). */
  server: string;
  routerOs: 6 | 7;
  messageAuth: boolean;
  network: RouterNetwork;
  /** `name ranges` lines replacing default pool ranges (address-plan.ts). */
  poolLines: readonly string[];
  /** The VPS's public address for a WireGuard tunnel (RouterOS 7), or null for none. */
  tunnelEndpoint: string | null;
}

export interface SetupResult {
  script: string;
  pools: PoolRange[];
  /** The wg-quick file for the VPS, when a tunnel was asked for. */
  wgQuick: string | null;
  /** The router's tunnel address (the NAS address the server will see), with a tunnel. */
  tunnelRouterAddress: string | null;
  portalBase: string;
}

/** Every pool name the plans, the subscriptions and the walled-garden setting use. */
export async function poolNames(db: Knex): Promise<string[]> {
  const { rows } = await db.raw(
    `SELECT framed_pool AS name FROM plans WHERE framed_pool IS NOT NULL
     UNION SELECT framed_pool FROM subscriptions WHERE framed_pool IS NOT NULL AND status <> 'terminated'`,
  );
  const walled = (await aaaSettings(db)).walledGarden.framedPool;
  return [...(rows as Array<{ name: string }>).map((r) => r.name), ...(walled ? [walled] : [])];
}

/** The IPv6 pool names the PPPoE plans use (aaa/policy/ipv6-addressing.ts), for the setup script's `/ipv6 pool` lines. */
export async function ipv6PoolNames(db: Knex): Promise<{ framed: string[]; delegated: string[] }> {
  const { rows } = await db.raw(
    `SELECT framed_ipv6_pool AS framed, delegated_ipv6_pool AS delegated FROM plans
      WHERE service_type = 'pppoe' AND (framed_ipv6_pool IS NOT NULL OR delegated_ipv6_pool IS NOT NULL)
      ORDER BY id`,
  );
  const list = rows as Array<{ framed: string | null; delegated: string | null }>;
  return { framed: list.flatMap((r) => (r.framed ? [r.framed] : [])), delegated: list.flatMap((r) => (r.delegated ? [r.delegated] : [])) };
}

async function aaaSettings(db: Knex) {
  return parseAaaSettings((await db('settings').where({ key: 'aaa' }).first('value'))?.value).settings;
}

/** The default pools with their ranges, as the script page's textarea shows them. */
export async function defaultPoolLines(db: Knex): Promise<string> {
  return defaultPools(await poolNames(db)).map((p) => `${p.name} ${p.ranges}`).join('\n');
}

/**
 * The setup script for a router with shared `secret` and CoA port `coaPort`.
 * Returns `{ error }` naming the field that is wrong: `pools` (with the line), `hotspot_address`, `tunnel`.
 */
export async function setupScript(deps: Deps, router: { secret: string; coaPort: number }, o: SetupOptions): Promise<SetupResult | { error: string; detail?: string }> {
  const pools = poolsWithOverrides(defaultPools(await poolNames(deps.db)), o.poolLines);
  if ('error' in pools) return { error: 'pools', detail: pools.error };
  if (!hotspotNetwork(o.network.hotspotAddress)) return { error: 'hotspot_address' };
  if (o.tunnelEndpoint && o.routerOs === 6) return { error: 'tunnel' };
  const tunnel = o.tunnelEndpoint ? newTunnel(o.tunnelEndpoint) : null;
  const portalBase = portalBaseOf(deps.config.PUBLIC_URL, o.server, deps.config.PORT);
  const script = routerOsSetupScript({
    locale: o.locale,
    routerOs: o.routerOs,
    messageAuth: o.messageAuth,
    radiusServer: tunnel ? tunnel.serverAddress : o.server,
    secret: router.secret,
    authPort: deps.config.RADIUS_AUTH_PORT,
    acctPort: deps.config.RADIUS_ACCT_PORT,
    coaPort: router.coaPort,
    interimInterval: deps.config.RADIUS_INTERIM_INTERVAL,
    addressList: (await aaaSettings(deps.db)).walledGarden.addressList,
    portalBase,
    pools: pools.pools,
    network: o.network,
    tunnel,
    ipv6Pools: defaultIpv6Pools(await ipv6PoolNames(deps.db)),
  });
  return {
    script,
    pools: pools.pools,
    wgQuick: tunnel ? wgQuickConfig(tunnel, t(o.locale, 'routeros.wg_quick').replace('{router}', tunnel.routerAddress)) : null,
    tunnelRouterAddress: tunnel?.routerAddress ?? null,
    portalBase,
  };
}

/** The router's login.html for this server's portal. */
export function loginHtml(config: Pick<Config, 'PUBLIC_URL' | 'PORT'>, server: string, locale: Locale): string {
  return hotspotLoginHtml(portalBaseOf(config.PUBLIC_URL, server, config.PORT), t(locale, 'routeros.login_continue'));
}

/**
 * The cut-over script with `canary` (default: the first known username) or `{ error }`:
 * `no_users` when the server has no PPPoE subscriber, `canary` when the name is not one of them.
 */
export async function cutover(deps: Deps, locale: Locale, canary: string | null): Promise<{ script: string; canary: string; count: number } | { error: 'no_users' | 'canary' }> {
  const users = await cutoverUsers(deps.db);
  if (!users.known.length) return { error: 'no_users' };
  const chosen = canary || users.online[0] || users.known[0]!;
  if (!users.known.includes(chosen)) return { error: 'canary' };
  return { script: cutoverScript({ locale, canary: chosen, usernames: users.known, interimInterval: deps.config.RADIUS_INTERIM_INTERVAL }), canary: chosen, count: users.known.length };
}

/** The rollback script. */
export async function rollback(deps: Deps, locale: Locale): Promise<string> {
  return rollbackScript({ locale, online: (await cutoverUsers(deps.db)).online });
}

