/**
 * Demo data for a first start: a NAS for 127.0.0.1 (so radclient on this machine is a router),
 * plans, customers and one subscription in each state. Loaded only into an empty database and
 * only when DEMO_DATA is not false. Secrets and passwords are random and printed once, on the
 * start that loaded them, never fixed. Every row is marked `demo` (migrations/…_demo_and_lifecycle.ts)
 * so that admin/settings/remove-demo-data.ts can remove exactly these rows later.
 */
import { addNas, EMPTY_NAS } from '../../aaa/nas/save-nas.js';
import type { AuditActor } from '../../lib/audit.js';
import { randomCredential } from '../../lib/credentials.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';

export const DEMO_NAS_NAME = 'Demo NAS (localhost)';
/** Who the audit log says added the demo NAS. */
const DEMO_ACTOR: AuditActor = { staffUserId: null, username: 'demo data', ip: null };

const PLANS = [
  { name: 'Rumahan 10 Mbps', price: 150_000, rate_limit: '5M/10M 8M/15M 4M/8M 16/16 8 2M/5M', framed_pool: 'pool-pelanggan' },
  { name: 'Rumahan 20 Mbps', price: 250_000, rate_limit: '10M/20M', framed_pool: 'pool-pelanggan' },
  { name: 'Kuota 30 Mbps (FUP 100 GB)', price: 300_000, rate_limit: '15M/30M', quota_bytes: 100 * 1024 ** 3, fup_rate_limit: '2M/5M', framed_pool: 'pool-pelanggan' },
  { name: 'Hotspot Harian', price: 5_000, rate_limit: '2M/2M', service_type: 'hotspot', billing_cycle: 'days', cycle_days: 1 },
] as const;

const SUBSCRIPTIONS = [
  { username: 'demo-active', name: 'Budi Santoso', plan: 0, status: 'active' },
  // Held as dunning holds them (status_reason as billing/dunning sets it), so paying the bill
  // restores them as it would a real customer (billing/ledger/paid-access.ts).
  { username: 'demo-soft', name: 'Siti Rahayu', plan: 1, status: 'soft_limited', statusReason: 'dunning_soft_limit' },
  { username: 'demo-suspended', name: 'Agus Wijaya', plan: 0, status: 'suspended', statusReason: 'dunning_suspend' },
  { username: 'demo-terminated', name: 'Dewi Lestari', plan: 1, status: 'terminated' },
  { username: 'demo-quota', name: 'Rudi Hartono', plan: 2, status: 'active' },
] as const;

/** True when the database holds no NAS, plan or customer yet (a first start). */
export async function isEmptyDatabase(db: Knex): Promise<boolean> {
  const { rows } = await db.raw(
    'SELECT (SELECT count(*) FROM nas) + (SELECT count(*) FROM plans) + (SELECT count(*) FROM customers) AS n',
  );
  return Number(rows[0].n) === 0;
}

/** Inserts the demo data in one transaction. */
export async function loadDemoData(db: Knex, secrets: SecretBox, now: Date): Promise<void> {
  await db.transaction(async (trx) => {
    // Through the one NAS writer (aaa/nas/save-nas.ts): its validation, a generated secret, audited.
    const nas = await addNas(trx, secrets, { actor: DEMO_ACTOR, mayRouteApi: false }, {
      ...EMPTY_NAS,
      name: DEMO_NAS_NAME,
      ip_address: '127.0.0.1',
      description: 'Created on first start so radclient on this machine can play the router. Delete it in production.',
    }, { demo: true });
    if (!nas.ok) throw new Error(`demo NAS not saved: ${JSON.stringify(nas)}`);
    const planIds: number[] = [];
    for (const p of PLANS) {
      const [row] = await trx('plans').insert({ ...p, demo: true }).returning('id');
      planIds.push(Number(row.id));
    }
    for (const s of SUBSCRIPTIONS) {
      const [customer] = await trx('customers').insert({ name: s.name, phone: '08123456789', demo: true }).returning('id');
      await trx('subscriptions').insert({
        customer_id: customer.id,
        demo: true,
        plan_id: planIds[s.plan],
        username: s.username,
        password_enc: secrets.seal(randomCredential(8)),
        status: s.status,
        status_reason: 'statusReason' in s ? s.statusReason : null,
        anchor_day: Math.min(28, now.getUTCDate()),
      });
    }
    const [prepaid] = await trx('customers').insert({ name: 'Tamu Hotspot', phone: '08987654321', demo: true }).returning('id');
    await trx('subscriptions').insert({
      customer_id: prepaid.id,
      demo: true,
      plan_id: planIds[3],
      username: 'demo-prepaid',
      password_enc: secrets.seal(randomCredential(8)),
      service_type: 'hotspot',
      billing_type: 'prepaid',
      paid_until: new Date(now.getTime() + 24 * 3600 * 1000),
      anchor_day: Math.min(28, now.getUTCDate()),
    });
  });
}

export interface DemoHints {
  secret: string;
  subscriptions: Array<{ username: string; password: string; status: string }>;
}

/** What to print so a new user can try the server: the demo NAS secret and the demo logins; null when they were removed. */
export async function demoHints(db: Knex, secrets: SecretBox): Promise<DemoHints | null> {
  const nas = await db('nas').where({ demo: true }).first('secret_enc');
  if (!nas) return null;
  const subs = await db('subscriptions')
    .where({ demo: true })
    .orderBy('id')
    .select('username', 'password_enc', 'status');
  return {
    secret: secrets.open(nas.secret_enc),
    subscriptions: subs.map((s: { username: string; password_enc: string; status: string }) => ({
      username: s.username,
      password: secrets.open(s.password_enc),
      status: s.status,
    })),
  };
}
