/**
 * daloRADIUS / FreeRADIUS SQL (the FreeRADIUS `rlm_sql` schema, raddb/mods-config/sql/main/mysql/
 * schema.sql, plus daloRADIUS's `userinfo`) from a `mysqldump` file (mysql-dump.ts):
 *
 * - `radcheck` `Cleartext-Password` (or `User-Password`) → the password; `Auth-Type := Reject`
 *   → suspended. A user without a cleartext password (only Crypt-/MD5-Password) is refused:
 *   CHAP needs the cleartext.
 * - `radusergroup` → the plan: the user's group with the lowest priority; daloRADIUS's
 *   `daloRADIUS-Disabled-Users` group marks the user suspended instead.
 * - `radgroupreply` → one plan per group that has replies or is some user's plan:
 *   `Mikrotik-Rate-Limit` (verbatim, `0/0` without one) and `Framed-Pool`; price to fill in later.
 *   Everyone is imported as PPP (`pppoe`): the schema does not say which service a user is for.
 * - `radreply` `Framed-IP-Address` → the static address.
 * - `userinfo` → the customer (key: the username): first and last name, e-mail, a phone
 *   (mobile, home, then work), address and city.
 */
import type { ImportBatch } from './import-model.js';
import { dumpTablesOrRefuse } from './mysql-dump.js';

const TABLES = ['radcheck', 'radusergroup', 'radgroupreply', 'radreply', 'userinfo'] as const;
const DISABLED_GROUP = 'daloRADIUS-Disabled-Users';

const text = (v: string | null | undefined): string => (v ?? '').trim();

export function importBatchFromDaloradius(dump: string): ImportBatch {
  const batch: ImportBatch = { source: 'daloradius', plans: [], customers: [], subscriptions: [], refused: [] };
  const rows = dumpTablesOrRefuse(dump, TABLES, batch);
  if (!rows) return batch;

  const groups = new Map<string, { rate: string | null; pool: string | null; origin: string }>();
  for (const r of rows('radgroupreply')) {
    const g = text(r.groupname);
    const entry = groups.get(g) ?? { rate: null, pool: null, origin: `radgroupreply ${g}` };
    if (r.attribute === 'Mikrotik-Rate-Limit') entry.rate = text(r.value);
    if (r.attribute === 'Framed-Pool') entry.pool = text(r.value);
    groups.set(g, entry);
  }
  const users = new Map<string, { password: string | null; reject: boolean; origin: string }>();
  for (const r of rows('radcheck')) {
    const u = text(r.username);
    const entry = users.get(u) ?? { password: null, reject: false, origin: `radcheck ${u}` };
    if (r.attribute === 'Cleartext-Password' || r.attribute === 'User-Password') entry.password = r.value ?? '';
    if (r.attribute === 'Auth-Type' && text(r.value) === 'Reject') entry.reject = true;
    users.set(u, entry);
  }
  const membership = new Map<string, { group: string | null; priority: number; disabled: boolean }>();
  for (const r of rows('radusergroup')) {
    const u = text(r.username);
    const m = membership.get(u) ?? { group: null, priority: Infinity, disabled: false };
    const priority = Number(r.priority ?? 0);
    if (text(r.groupname) === DISABLED_GROUP) m.disabled = true;
    else if (priority < m.priority) Object.assign(m, { group: text(r.groupname), priority });
    membership.set(u, m);
  }
  const staticIps = new Map(rows('radreply').filter((r) => r.attribute === 'Framed-IP-Address').map((r) => [text(r.username), text(r.value)]));
  const info = new Map(rows('userinfo').map((r) => [text(r.username), r]));

  for (const group of new Set([...groups.keys(), ...[...membership.values()].map((m) => m.group).filter((g): g is string => g !== null)])) {
    const g = groups.get(group);
    batch.plans.push({ name: group, serviceType: 'pppoe', rateLimit: g?.rate || '0/0', framedPool: g?.pool ?? null, price: null, origin: g?.origin ?? `radusergroup ${group}` });
  }
  for (const [username, u] of users) {
    if (u.password === null) {
      batch.refused.push({ origin: u.origin, reason: 'no_password', detail: username });
      continue;
    }
    const m = membership.get(username);
    if (!m?.group) {
      batch.refused.push({ origin: u.origin, reason: 'unknown_plan', detail: `${username}: no group` });
      continue;
    }
    const i = info.get(username);
    const name = [text(i?.firstname), text(i?.lastname)].filter(Boolean).join(' ');
    const address = [text(i?.address), text(i?.city)].filter(Boolean).join(', ');
    batch.customers.push({
      key: username, name: name || null, email: text(i?.email) || null,
      phone: text(i?.mobilephone) || text(i?.homephone) || text(i?.workphone) || null, address: address || null, origin: u.origin,
    });
    batch.subscriptions.push({
      username, password: u.password, serviceType: 'pppoe', planName: m.group, customerKey: username, staticIp: staticIps.get(username) ?? null,
      macAddress: null, disabled: u.reject || m.disabled, notes: text(i?.notes) || null, origin: u.origin,
    });
  }
  return batch;
}
