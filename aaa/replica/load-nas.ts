/**
 * The replica's NAS entries from the `nas` table (aaa's own): active NAS by id, with the shared
 * secret opened (lib/secret-box.ts) once here rather than per packet.
 */
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { NasEntry } from './access-replica.js';

/**
 * Active NAS with these ids (all active NAS when `only` is omitted). A NAS whose secret does not
 * open (sealed with another APP_SECRET_KEY) is left out and logged: it is treated as unknown
 * until fixed.
 */
export async function loadNasEntries(db: Knex, secrets: SecretBox, log: Logger, only?: number[]): Promise<NasEntry[]> {
  const q = db('nas')
    .where({ is_active: true })
    .select('id', 'name', db.raw('host(ip_address) AS ip'), 'secret_enc', 'vendor', 'coa_port', 'require_message_authenticator');
  if (only) q.whereIn('id', only);
  const rows = (await q) as Array<Record<string, unknown>>;
  const entries: NasEntry[] = [];
  for (const r of rows) {
    try {
      entries.push({
        id: Number(r.id),
        name: String(r.name),
        ipAddress: String(r.ip),
        secret: Buffer.from(secrets.open(String(r.secret_enc)), 'utf8'),
        vendor: String(r.vendor),
        coaPort: Number(r.coa_port),
        requireMessageAuthenticator: Boolean(r.require_message_authenticator),
      });
    } catch (err) {
      // A secret sealed with another key: this NAS is treated as unknown until fixed.
      log.error({ nasId: r.id, err: (err as Error).message }, 'cannot open NAS secret (wrong APP_SECRET_KEY?)');
    }
  }
  return entries;
}
