/**
 * The routers screen: each NAS with its CoA port, Message-Authenticator setting and open
 * sessions, and the RouterOS script a technician pastes into it (aaa/nas/routeros-script.ts),
 * with its shared secret opened from the encrypted column.
 */
import { parseAaaSettings } from '../../aaa/policy/aaa-settings.js';
import { routerOsScript } from '../../aaa/nas/routeros-script.js';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';

export async function listNas(db: Knex): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.raw(
    `SELECT n.id, n.name, host(n.ip_address) AS ip, n.coa_port, n.require_message_authenticator, n.is_active,
            (SELECT count(*)::int FROM accounting_sessions a WHERE a.nas_ip_address = n.ip_address AND a.stop_time IS NULL) AS online
       FROM nas n ORDER BY n.name, n.id`,
  );
  return rows;
}

/**
 * The RouterOS script of NAS `id`, or null when there is none.
 * @param server this server's address as the router reaches it (the console's own host name).
 */
export async function nasScript(deps: { db: Knex; secrets: SecretBox; config: Config }, id: number, server: string): Promise<{ name: string; script: string } | null> {
  const nas = await deps.db('nas').where({ id }).first('name', 'secret_enc', 'coa_port', 'require_message_authenticator');
  if (!nas) return null;
  const settings = parseAaaSettings((await deps.db('settings').where({ key: 'aaa' }).first('value'))?.value).settings;
  return {
    name: nas.name,
    script: routerOsScript({
      radiusServer: server,
      secret: deps.secrets.open(nas.secret_enc),
      authPort: deps.config.RADIUS_AUTH_PORT,
      acctPort: deps.config.RADIUS_ACCT_PORT,
      coaPort: Number(nas.coa_port),
      interimInterval: deps.config.RADIUS_INTERIM_INTERVAL,
      addressList: settings.walledGarden.addressList,
      portal: { address: server, port: deps.config.PORT },
      routerOs715: Boolean(nas.require_message_authenticator),
    }),
  };
}
