/**
 * phpnuxbill (github.com/hotspotbilling/phpnuxbill, install/phpnuxbill.sql) from a `mysqldump`
 * file (mysql-dump.ts; no MySQL needed):
 *
 * - `tbl_plans` of type Hotspot or PPPOE → plans: `name_plan`, `price` (whole rupiah), `pool`;
 *   the rate limit from its `tbl_bandwidth` row (`id_bw`) as RouterOS writes it, upload/download
 *   (`rate_up``rate_up_unit`/`rate_down``rate_down_unit`, Kbps → k, Mbps → M) and the
 *   `burst` text after it; no bandwidth row → `0/0`. Balance and VPN plans are skipped.
 * - `tbl_customers` → customers (key `username`; `fullname`, `phonenumber`, `email`, `address`;
 *   phpnuxbill's placeholder values `0` and `1` read as empty).
 * - Each customer's latest `tbl_user_recharges` row (by id) → the subscription on that plan:
 *   username and password are `pppoe_username` / `pppoe_password` when set (PPPoE), else the
 *   customer's; `pppoe_ip` as the static address. A customer whose status is not Active, or
 *   whose recharge is `off` (expired), is imported suspended. A customer with no recharge is
 *   refused (`unknown_plan`). `tbl_routers` names where each recharge ran; this server keeps no
 *   router per subscription, so it is not read (name the router with `--nas`).
 */
import { normaliseMac, type ImportBatch } from './import-model.js';
import { dumpTablesOrRefuse, type DumpRow } from './mysql-dump.js';

const TABLES = ['tbl_customers', 'tbl_plans', 'tbl_user_recharges', 'tbl_bandwidth', 'tbl_routers'] as const;

const unit = (u: string | null): string => (u === 'Mbps' ? 'M' : u === 'Kbps' ? 'k' : '');
const text = (v: string | null | undefined): string => (v ?? '').trim();

/** The Mikrotik-Rate-Limit of a tbl_bandwidth row: `up/down [burst]` (RouterOS rx/tx order, seen from the router). */
export function phpnuxbillRateLimit(bw: DumpRow | undefined): string {
  if (!bw) return '0/0';
  const base = `${text(bw.rate_up)}${unit(bw.rate_up_unit ?? null)}/${text(bw.rate_down)}${unit(bw.rate_down_unit ?? null)}`;
  return text(bw.burst) ? `${base} ${text(bw.burst)}` : base;
}

export function importBatchFromPhpnuxbill(dump: string): ImportBatch {
  const batch: ImportBatch = { source: 'phpnuxbill', plans: [], customers: [], subscriptions: [], refused: [] };
  const rows = dumpTablesOrRefuse(dump, TABLES, batch);
  if (!rows) return batch;
  const bandwidth = new Map(rows('tbl_bandwidth').map((b) => [text(b.id), b]));
  const planNames = new Map<string, string>();
  for (const p of rows('tbl_plans')) {
    if (p.type !== 'Hotspot' && p.type !== 'PPPOE') continue;
    const name = text(p.name_plan);
    planNames.set(text(p.id), name);
    const digits = text(p.price).replace(/[.,]\d{2}$/, '').replace(/[^\d]/g, '');
    batch.plans.push({
      name, serviceType: p.type === 'Hotspot' ? 'hotspot' : 'pppoe', rateLimit: phpnuxbillRateLimit(bandwidth.get(text(p.id_bw))),
      framedPool: text(p.pool) || null, price: /^\d{1,15}$/.test(digits) ? Number(digits) : null, origin: `tbl_plans id ${text(p.id)}`,
    });
  }
  const latest = new Map<string, DumpRow>();
  for (const r of rows('tbl_user_recharges')) {
    const have = latest.get(text(r.customer_id));
    if (!have || Number(r.id) > Number(have.id)) latest.set(text(r.customer_id), r);
  }
  for (const c of rows('tbl_customers')) {
    const origin = `tbl_customers id ${text(c.id)}`;
    const key = text(c.username);
    const recharge = latest.get(text(c.id));
    if (!recharge) {
      batch.refused.push({ origin, reason: 'unknown_plan', detail: `${key}: no recharge` });
      continue;
    }
    const planName = planNames.get(text(recharge.plan_id)) ?? text(recharge.namebp);
    const hotspot = text(recharge.type) === 'Hotspot';
    const email = text(c.email);
    const phone = text(c.phonenumber);
    batch.customers.push({
      key, name: text(c.fullname) || null, phone: phone && phone !== '0' ? phone : null, email: email.includes('@') ? email : null,
      address: text(c.address) || null, origin,
    });
    batch.subscriptions.push({
      username: (!hotspot && text(c.pppoe_username)) || key,
      password: (!hotspot && text(c.pppoe_password)) || text(c.password),
      serviceType: hotspot ? 'hotspot' : 'pppoe', planName, customerKey: key, staticIp: text(c.pppoe_ip) || null,
      macAddress: normaliseMac(text(c.mac_address)), disabled: (text(c.status) || 'Active') !== 'Active' || text(recharge.status) === 'off',
      notes: null, origin,
    });
  }
  return batch;
}
