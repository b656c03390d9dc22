/**
 * The import planner: compares a parsed batch (import-model.ts) with the database and says, row
 * by row, what a commit would do — the dry-run preview. It writes nothing; commit-import.ts runs
 * it again inside its transaction and applies exactly what it returns.
 *
 * Per object:
 * - plan (matched by name, any case): `create` (price 0 when the source has none: to fill in
 *   later), `update` of the rate limit, pool, service type and, when the source has one, price;
 *   `unchanged`. A plan whose rate limit is not RouterOS syntax is refused.
 * - customer (matched by its key, through the subscriptions that already carry the key's
 *   usernames): `create`, `update` of name, phone, e-mail and address where the source gives
 *   them, `unchanged`; subscriptions of one key found under two customers are a conflict.
 * - subscription (matched by username, any case): `create` or `update` of password, plan,
 *   service type, static address, MAC, notes and status. Status: `disabled` suspends an active
 *   subscription (reason `import_disabled`); enabled again, only a subscription the import
 *   suspended is reactivated — dunning's and staff's suspensions are theirs.
 * Refused (never written): usernames that are not RADIUS-safe (subscription-username.ts),
 * empty passwords, an unknown plan, a bad static address or MAC, a username twice in the batch.
 * Conflicts (skipped, for staff to resolve): a username that exists in another case (RADIUS
 * matches User-Name exactly), a static address another subscription holds, a customer split.
 */
import { isIPv4 } from 'node:net';
import { isValidRateLimit } from '../../lib/routeros/rate-limit.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { isRadiusSafeUsername } from '../subscriptions/subscription-username.js';
import type { ImportBatch, ImportedCustomer, ImportedPlan, ImportedSubscription, ImportSource, Refusal } from './import-model.js';

export type Action = 'create' | 'update' | 'unchanged';

export interface PlannedPlan { action: Action; id: number | null; row: ImportedPlan; changed: string[] }
export interface PlannedCustomer { action: Action; id: number | null; row: ImportedCustomer; changed: string[] }
export interface PlannedSubscription {
  action: Action;
  id: number | null;
  row: ImportedSubscription;
  /** Field names that differ (`password` named, never its value). */
  changed: string[];
  /** The status after the commit. */
  status: 'active' | 'suspended' | 'soft_limited';
}

export type ConflictKind = 'username_case' | 'static_ip_taken' | 'customer_split';
export interface Conflict { origin: string; kind: ConflictKind; detail: string }

export interface ImportPreview {
  source: ImportSource;
  plans: PlannedPlan[];
  customers: PlannedCustomer[];
  subscriptions: PlannedSubscription[];
  conflicts: Conflict[];
  refused: Refusal[];
  counts: { create: number; update: number; unchanged: number; conflicts: number; refused: number };
}

interface PlanRow { id: number; name: string; service_type: string; rate_limit: string; framed_pool: string | null; price: number }
interface CustomerRow { id: number; name: string; phone: string | null; email: string | null; address: string | null }
interface SubscriptionRow {
  id: number; customer_id: number; plan_id: number; username: string; password_enc: string; service_type: string; status: string;
  status_reason: string | null; static_ip: string | null; mac_address: string | null; notes: string | null;
}

/** The status reason an import writes when the source has the account disabled. */
export const IMPORT_DISABLED_REASON = 'import_disabled';

/** Compares `batch` with the database (read only). */
export async function planImport(db: Knex | Knex.Transaction, secrets: SecretBox, batch: ImportBatch): Promise<ImportPreview> {
  const refused: Refusal[] = [...batch.refused];
  const conflicts: Conflict[] = [];

  // Plans.
  const planRows = (await db('plans').whereRaw('lower(name) = ANY(?::text[])', [batch.plans.map((p) => p.name.toLowerCase())])
    .select('id', 'name', 'service_type', 'rate_limit', 'framed_pool', 'price')) as PlanRow[];
  const planByName = new Map(planRows.map((p) => [p.name.toLowerCase(), p]));
  const plans: PlannedPlan[] = [];
  const usablePlans = new Set<string>();
  for (const row of dedupe(batch.plans, (p) => p.name.toLowerCase(), refused, (p) => p.name)) {
    if (!isValidRateLimit(row.rateLimit)) {
      refused.push({ origin: row.origin, reason: 'rate_limit', detail: `${row.name}: ${row.rateLimit}` });
      continue;
    }
    usablePlans.add(row.name.toLowerCase());
    const have = planByName.get(row.name.toLowerCase());
    if (!have) {
      plans.push({ action: 'create', id: null, row, changed: [] });
      continue;
    }
    const changed = diff([
      ['rate_limit', have.rate_limit, row.rateLimit],
      ['framed_pool', have.framed_pool, row.framedPool],
      ['service_type', have.service_type, row.serviceType],
      ['price', Number(have.price), row.price ?? Number(have.price)],
    ]);
    plans.push({ action: changed.length ? 'update' : 'unchanged', id: Number(have.id), row, changed });
  }

  // Subscriptions: validated, then matched by username.
  const subs = dedupe(batch.subscriptions, (s) => s.username.toLowerCase(), refused, (s) => s.username).filter((s) => {
    const reason = !isRadiusSafeUsername(s.username) ? 'username_format'
      : s.password === '' ? 'no_password'
      : s.staticIp !== null && !isIPv4(s.staticIp) ? 'static_ip'
      : null;
    if (reason) refused.push({ origin: s.origin, reason, detail: reason === 'static_ip' ? `${s.username}: ${s.staticIp}` : s.username });
    return reason === null;
  });
  const missingPlans = [...new Set(subs.map((s) => s.planName.toLowerCase()).filter((n) => !usablePlans.has(n) && !planByName.has(n)))];
  if (missingPlans.length) {
    for (const p of (await db('plans').whereRaw('lower(name) = ANY(?::text[])', [missingPlans]).select('id', 'name', 'service_type', 'rate_limit', 'framed_pool', 'price')) as PlanRow[]) {
      planByName.set(p.name.toLowerCase(), p);
    }
  }
  const existing = (await db('subscriptions').whereRaw('lower(username) = ANY(?::text[])', [subs.map((s) => s.username.toLowerCase())])
    .select('id', 'customer_id', 'plan_id', 'username', 'password_enc', 'service_type', 'status', 'status_reason', db.raw('host(static_ip) AS static_ip'),
      db.raw('upper(mac_address::text) AS mac_address'), 'notes')) as SubscriptionRow[];
  const subByName = new Map(existing.map((s) => [s.username.toLowerCase(), s]));
  const ips = subs.map((s) => s.staticIp).filter((ip): ip is string => ip !== null);
  const ipHolders = new Map<string, string>();
  for (const r of (await db('subscriptions').whereRaw('static_ip = ANY(?::inet[])', [ips]).whereNot('status', 'terminated')
    .select('username', db.raw('host(static_ip) AS ip'))) as Array<{ username: string; ip: string }>) ipHolders.set(r.ip, r.username.toLowerCase());

  const subscriptions: PlannedSubscription[] = [];
  const customerIdsByKey = new Map<string, Set<number>>();
  const keptKeys = new Set<string>();
  for (const row of subs) {
    const key = row.username.toLowerCase();
    const plan = planByName.get(row.planName.toLowerCase());
    if (!usablePlans.has(row.planName.toLowerCase()) && !plan) {
      refused.push({ origin: row.origin, reason: 'unknown_plan', detail: `${row.username}: ${row.planName}` });
      continue;
    }
    const have = subByName.get(key);
    if (have && have.username !== row.username) {
      conflicts.push({ origin: row.origin, kind: 'username_case', detail: `${row.username} ≠ ${have.username}` });
      continue;
    }
    if (row.staticIp !== null) {
      const holder = ipHolders.get(row.staticIp);
      if (holder !== undefined && holder !== key) {
        conflicts.push({ origin: row.origin, kind: 'static_ip_taken', detail: `${row.username}: ${row.staticIp} (${holder})` });
        continue;
      }
      ipHolders.set(row.staticIp, key);
    }
    keptKeys.add(row.customerKey);
    if (!have) {
      subscriptions.push({ action: 'create', id: null, row, changed: [], status: row.disabled ? 'suspended' : 'active' });
      continue;
    }
    if (!customerIdsByKey.has(row.customerKey)) customerIdsByKey.set(row.customerKey, new Set());
    customerIdsByKey.get(row.customerKey)!.add(Number(have.customer_id));
    const status = nextStatus(have, row.disabled);
    const changed = diff([
      ['password', openOrNull(secrets, have.password_enc), row.password],
      // A plan this batch creates has no id yet: a change by definition.
      ['plan', Number(have.plan_id), plan ? Number(plan.id) : null],
      ['service_type', have.service_type, row.serviceType],
      ['static_ip', have.static_ip, row.staticIp],
      ['mac_address', have.mac_address, row.macAddress ?? have.mac_address],
      ['notes', have.notes, row.notes ?? have.notes],
      ['status', have.status, status],
    ]);
    subscriptions.push({ action: changed.length ? 'update' : 'unchanged', id: Number(have.id), row, changed, status: status as PlannedSubscription['status'] });
  }

  // Customers: those whose subscriptions go ahead.
  const splitKeys = new Set([...customerIdsByKey].filter(([, ids]) => ids.size > 1).map(([k]) => k));
  const customerIds = [...customerIdsByKey.values()].filter((ids) => ids.size === 1).map((ids) => [...ids][0]!);
  const customerRows = new Map(((await db('customers').whereIn('id', customerIds).select('id', 'name', 'phone', 'email', 'address')) as CustomerRow[])
    .map((c) => [Number(c.id), c]));
  const customers: PlannedCustomer[] = [];
  for (const row of dedupe(batch.customers, (c) => c.key, [], (c) => c.key)) {
    if (!keptKeys.has(row.key)) continue;
    if (splitKeys.has(row.key)) {
      conflicts.push({ origin: row.origin, kind: 'customer_split', detail: row.key });
      continue;
    }
    const ids = customerIdsByKey.get(row.key);
    const have = ids ? customerRows.get([...ids][0]!) : undefined;
    if (!have) {
      customers.push({ action: 'create', id: null, row, changed: [] });
      continue;
    }
    const changed = diff([
      ['name', have.name, row.name ?? have.name],
      ['phone', have.phone, row.phone ?? have.phone],
      ['email', have.email, row.email ?? have.email],
      ['address', have.address, row.address ?? have.address],
    ]);
    customers.push({ action: changed.length ? 'update' : 'unchanged', id: Number(have.id), row, changed });
  }
  const kept = subscriptions.filter((s) => !splitKeys.has(s.row.customerKey));
  const all = [...plans, ...customers, ...kept];
  return {
    source: batch.source, plans, customers, subscriptions: kept, conflicts, refused,
    counts: {
      create: all.filter((x) => x.action === 'create').length,
      update: all.filter((x) => x.action === 'update').length,
      unchanged: all.filter((x) => x.action === 'unchanged').length,
      conflicts: conflicts.length,
      refused: refused.length,
    },
  };
}

/** Active ↔ suspended as the source says, within what the import may decide (see the module comment). */
function nextStatus(have: SubscriptionRow, disabled: boolean): string {
  if (disabled && have.status === 'active') return 'suspended';
  if (!disabled && have.status === 'suspended' && have.status_reason === IMPORT_DISABLED_REASON) return 'active';
  return have.status;
}

function openOrNull(secrets: SecretBox, sealed: string): string | null {
  try {
    return secrets.open(sealed);
  } catch {
    return null;
  }
}

function diff(pairs: Array<[string, unknown, unknown]>): string[] {
  return pairs.filter(([, a, b]) => (a ?? null) !== (b ?? null)).map(([name]) => name);
}

/** Keeps the first row per key; later ones are refused as duplicates (when `refused` collects them). */
function dedupe<T extends { origin: string }>(rows: T[], key: (r: T) => string, refused: Refusal[], label: (r: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) {
      refused.push({ origin: r.origin, reason: 'duplicate', detail: label(r) });
      return false;
    }
    seen.add(k);
    return true;
  });
}
