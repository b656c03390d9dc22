/**
 * `npm run seed:load -- --subscribers N --nas 127.0.0.1 --secret S`
 *
 * Creates (or resets) subscribers user1..userN with passwords pass1..passN on an active plan
 * ("Load test 10M"), every tenth one suspended, and the NAS with that secret, in the database the
 * server uses (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR, attached to when running).
 * A running radius role picks the rows up through LISTEN/NOTIFY; then any RADIUS load tool can
 * drive it.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.js';
import { createDb, type Knex } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { createSecretBox, resolveKey, type SecretBox } from '../lib/secret-box.js';
import { resolveDatabase } from '../server/services.js';

export const LOAD_PLAN = 'Load test 10M';
const CHUNK = 10_000;

/** Upserts the NAS, the plan and N subscribers; returns the NAS id. Idempotent. */
export async function seedLoad(
  db: Knex,
  secrets: SecretBox,
  opts: { subscribers: number; nasIp: string; secret: string; log?: (msg: string) => void },
): Promise<{ nasId: number; planId: number }> {
  const say = opts.log ?? (() => {});
  const [nas] = await db('nas')
    .insert({ name: `Load test NAS ${opts.nasIp}`, ip_address: opts.nasIp, secret_enc: secrets.seal(opts.secret) })
    .onConflict('ip_address')
    .merge({ secret_enc: secrets.seal(opts.secret), is_active: true })
    .returning('id');
  const [plan] = await db('plans')
    .insert({ name: LOAD_PLAN, price: 150_000, rate_limit: '5M/10M 8M/15M 4M/8M 16/16 8 2M/5M', framed_pool: 'pool-load' })
    .onConflict('name')
    .merge({ rate_limit: '5M/10M 8M/15M 4M/8M 16/16 8 2M/5M' })
    .returning('id');
  const planId = Number(plan.id);

  for (let from = 1; from <= opts.subscribers; from += CHUNK) {
    const to = Math.min(opts.subscribers, from + CHUNK - 1);
    const rows: Array<{ username: string; password_enc: string; status: string }> = [];
    for (let i = from; i <= to; i++) {
      rows.push({ username: `user${i}`, password_enc: secrets.seal(`pass${i}`), status: i % 10 === 0 ? 'suspended' : 'active' });
    }
    await db.transaction(async (trx) => {
      const current = new Map<string, { password_enc: string; status: string; plan_id: number; billing_type: string }>(
        ((await trx('subscriptions')
          .whereIn('username', rows.map((r) => r.username))
          .select('username', 'password_enc', 'status', 'plan_id', 'billing_type')) as Array<{ username: string; password_enc: string; status: string; plan_id: number; billing_type: string }>)
          .map((r) => [r.username, r]),
      );
      const existing = new Set(current.keys());
      const fresh = rows.filter((r) => !existing.has(r.username));
      if (fresh.length) {
        const customers = await trx.raw(
          `INSERT INTO customers (name, phone) SELECT 'Load ' || u, NULL FROM unnest(?::text[]) AS u RETURNING id`,
          [fresh.map((r) => r.username)],
        );
        const ids = (customers.rows as Array<{ id: number }>).map((r) => r.id);
        await trx.raw(
          `INSERT INTO subscriptions (customer_id, plan_id, username, password_enc, status, anchor_day)
           SELECT t.customer_id, ?, t.username, t.password_enc, t.status, 1
             FROM json_to_recordset(?::json) AS t(customer_id bigint, username text, password_enc text, status text)`,
          [planId, JSON.stringify(fresh.map((r, i) => ({ ...r, customer_id: ids[i] })))],
        );
      }
      // Rewrite only what differs, so a second run leaves the table (and the server's index) alone.
      const old = rows.filter((r) => {
        const c = current.get(r.username);
        if (!c) return false;
        if (c.status !== r.status || Number(c.plan_id) !== planId || c.billing_type !== 'postpaid') return true;
        try {
          return secrets.open(c.password_enc) !== r.username.replace('user', 'pass');
        } catch {
          return true; // sealed with another key
        }
      });
      if (old.length) {
        await trx.raw(
          `UPDATE subscriptions s SET password_enc = t.password_enc, status = t.status, plan_id = ?, billing_type = 'postpaid'
             FROM json_to_recordset(?::json) AS t(username text, password_enc text, status text)
            WHERE s.username = t.username`,
          [planId, JSON.stringify(old)],
        );
      }
    });
    say(`seeded user${from}..user${to}`);
  }
  return { nasId: Number(nas.id), planId };
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000' },
      nas: { type: 'string', default: '127.0.0.1' },
      secret: { type: 'string' },
    },
  });
  const n = Number(values.subscribers);
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new Error('--subscribers must be a whole number from 1 to 10,000,000');
  if (!values.secret) throw new Error('--secret is required (the shared secret your load tool will use)');
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(values.nas)) throw new Error('--nas must be an IPv4 address');
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, {}, config.LOG_FORMAT);
  const database = await resolveDatabase(config, log);
  const db = createDb({ url: database.url });
  try {
    await migrateLatest(db);
    const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
    const t0 = Date.now();
    await seedLoad(db, secrets, { subscribers: n, nasIp: values.nas, secret: values.secret, log: (m) => log.info(m) });
    process.stdout.write(`seeded ${n} subscribers (user1/pass1 .. user${n}/pass${n}, every tenth suspended) and NAS ${values.nas} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } finally {
    await db.destroy();
    await database.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cli().catch((err: unknown) => {
    process.stderr.write(`seed:load: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
