/**
 * The routers screen: each NAS with its CoA port, Message-Authenticator setting, API access and
 * open sessions, and the RouterOS script a technician pastes into it (aaa/nas/routeros-script.ts),
 * with its shared secret opened from the encrypted column and the captive portal at PUBLIC_URL.
 */
import net from 'node:net';
import { parseAaaSettings } from '../../aaa/policy/aaa-settings.js';
import { routerOsScript } from '../../aaa/nas/routeros-script.js';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';

export async function listNas(db: Knex): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.raw(
    `SELECT n.id, n.name, host(n.ip_address) AS ip, n.vendor, n.coa_port, n.require_message_authenticator, n.is_active,
            (n.routeros_username IS NOT NULL AND n.routeros_password_enc IS NOT NULL) AS api,
            (SELECT count(*)::int FROM accounting_sessions a WHERE a.nas_ip_address = n.ip_address AND a.stop_time IS NULL) AS online
       FROM nas n ORDER BY n.name, n.id`,
  );
  return rows;
}

export interface NasScript {
  name: string;
  script: string;
  /** The captive portal URL the walled garden redirects to. */
  portalUrl: string;
  /** PUBLIC_URL is not set: the portal URL was made from the server address and PORT. */
  portalGuessed: boolean;
  /** `/radius address=` takes an IP address: false when `server` is a host name. */
  serverIsIp: boolean;
}

/**
 * The RouterOS script of NAS `id`, or null when there is none.
 * @param server this server's address as the router reaches it (the console's own host name by default).
 */
export async function nasScript(deps: { db: Knex; secrets: SecretBox; config: Config }, id: number, server: string): Promise<NasScript | null> {
  const nas = await deps.db('nas').where({ id }).first('name', 'secret_enc', 'coa_port', 'require_message_authenticator');
  if (!nas) return null;
  const settings = parseAaaSettings((await deps.db('settings').where({ key: 'aaa' }).first('value'))?.value).settings;
  const base = deps.config.PUBLIC_URL?.replace(/\/+$/, '');
  const portal = { address: server, port: deps.config.PORT };
  const portalUrl = base ? `${base}/portal/captive` : `http://${net.isIPv6(server) ? `[${server}]` : server}:${portal.port}/portal/captive`;
  return {
    name: nas.name,
    portalUrl,
    portalGuessed: !base,
    serverIsIp: net.isIP(server) !== 0,
    script: routerOsScript({
      radiusServer: server,
      secret: deps.secrets.open(nas.secret_enc),
      authPort: deps.config.RADIUS_AUTH_PORT,
      acctPort: deps.config.RADIUS_ACCT_PORT,
      coaPort: Number(nas.coa_port),
      interimInterval: deps.config.RADIUS_INTERIM_INTERVAL,
      addressList: settings.walledGarden.addressList,
      portal,
      portalUrl,
      routerOs715: Boolean(nas.require_message_authenticator),
    }),
  };
}
