/**
 * Where a subscriber's live traffic can be read: the router of their open session and the
 * interface RouterOS gives a PPPoE session, `<pppoe-USERNAME>` (MikroTik manual "PPPoE": each
 * server session is a dynamic interface named `<pppoe-user>`), with the router's RouterOS API
 * login from its `nas` row (password sealed with the secret box, as nas-control opens it:
 * aaa/nas/nas-control.ts). Read-only SQL on accounting_sessions and nas.
 */
import type { Knex } from '../../lib/db.js';
import type { RouterOsLogin } from '../../lib/routeros/api-connection.js';
import type { SecretBox } from '../../lib/secret-box.js';

export type SubscriberLink =
  /** No open session: the subscriber is offline. */
  | { state: 'offline' }
  /** A hotspot session: no per-user interface to monitor. */
  | { state: 'not_pppoe' }
  /** The session's router has no RouterOS API credentials (or is not a registered NAS). */
  | { state: 'no_api'; nasName: string | null }
  | { state: 'ok'; nasId: number; nasName: string; interfaceName: string; login: RouterOsLogin };

const SQL = `
  SELECT s.username, sub.service_type, n.id AS nas_id, n.name AS nas_name, host(n.ip_address) AS nas_ip,
         n.routeros_api_host, n.routeros_api_port, n.routeros_api_tls, n.routeros_username, n.routeros_password_enc
    FROM accounting_sessions s
    JOIN subscriptions sub ON sub.id = ?
    LEFT JOIN nas n ON n.id = s.nas_id OR (s.nas_id IS NULL AND n.ip_address = s.nas_ip_address)
   WHERE s.stop_time IS NULL
     AND (s.subscription_id = sub.id OR (s.subscription_id IS NULL AND s.username = sub.username))
   ORDER BY s.start_time DESC
   LIMIT 1`;

export async function subscriberLink(db: Knex, secrets: SecretBox, subscriptionId: number): Promise<SubscriberLink> {
  const { rows } = await db.raw(SQL, [subscriptionId]);
  const r = rows[0] as {
    username: string; service_type: string; nas_id: string | null; nas_name: string | null; nas_ip: string | null;
    routeros_api_host: string | null; routeros_api_port: number | null; routeros_api_tls: boolean | null;
    routeros_username: string | null; routeros_password_enc: string | null;
  } | undefined;
  if (!r) return { state: 'offline' };
  if (r.service_type !== 'pppoe') return { state: 'not_pppoe' };
  if (r.nas_id === null || r.nas_ip === null || !r.routeros_username || !r.routeros_password_enc) return { state: 'no_api', nasName: r.nas_name };
  return {
    state: 'ok', nasId: Number(r.nas_id), nasName: r.nas_name ?? '', interfaceName: `<pppoe-${r.username}>`,
    login: {
      host: r.routeros_api_host ?? r.nas_ip, port: r.routeros_api_port ?? 8728, tls: r.routeros_api_tls ?? false,
      username: r.routeros_username, password: secrets.open(r.routeros_password_enc),
    },
  };
}
