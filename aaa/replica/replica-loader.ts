/**
 * Loads the AccessReplica from PostgreSQL: everything at start (and after a lost LISTEN connection),
 * then by id what the notifications named (pending-changes.ts), in chunks of 5000 ids, so a bulk
 * import is a handful of queries. Billing's rows come through billing/access (the one door,
 * ARCHITECTURE.md "Dependency rules"); the NAS and the `aaa` settings row are aaa's own.
 */
import {
  loadOpenSessions,
  loadPlanAccess,
  loadSubscriptionAccess,
  loadUsageSince,
} from '../../billing/access/subscription-access.js';
import {
  loadVoucherAccess,
  loadVoucherBatchAccess,
  loadVoucherOpenSessions,
} from '../../billing/access/voucher-access.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { parseAaaSettings } from '../settings/aaa-settings.js';
import type { AccessReplica } from './access-replica.js';
import type { LookupMisses } from './replica-lookups.js';
import { loadNasEntries } from './load-nas.js';
import type { PendingChanges } from './pending-changes.js';

const CHUNK = 5000;
/** Above this many pending subscription ids a full reload is cheaper than reloading by id. */
const FULL_RELOAD_THRESHOLD = 20_000;

export interface ReplicaLoaderDeps {
  db: Knex;
  replica: AccessReplica;
  secrets: SecretBox;
  log: Logger;
  clock: Clock;
  /** Remembered misses; a reload that finds the row forgets them. */
  misses: LookupMisses;
  /** False: open sessions are neither loaded nor marked (an accounting-only process; replica-sync.ts). */
  holdsOpenSessions?: boolean;
}

export interface ReplicaLoader {
  /** Applies what the notifications named (everything when `work.full` or too many subscriptions). */
  applyChanges(work: PendingChanges): Promise<void>;
  /** Loads everything; the replica is complete when it resolves. */
  loadAll(): Promise<void>;
  /** Reloads plans by id (all when omitted); a plan gone from the table leaves the replica. */
  reloadPlans(only?: number[]): Promise<void>;
  /** Reloads voucher batches by id (all when omitted). */
  reloadVoucherBatches(only?: number[]): Promise<void>;
  /** Reads the open sessions of `subscriptionIds` still marked changed (OpenSessions.markChanged, open-sessions.ts), in chunks. */
  readOpenSessions(subscriptionIds: Iterable<number>): Promise<void>;
}

export function createReplicaLoader(deps: ReplicaLoaderDeps): ReplicaLoader {
  const { db, replica, log, misses } = deps;
  const holdsOpenSessions = deps.holdsOpenSessions ?? true;

  async function applyChanges(work: PendingChanges): Promise<void> {
    if (work.full || work.subscriptions.size > FULL_RELOAD_THRESHOLD) {
      await loadAll();
      return;
    }
    if (work.settings) await loadSettings();
    if (work.nas.size) await loadNas([...work.nas]);
    if (work.plans.size) await reloadPlans([...work.plans]);
    if (work.subscriptions.size) {
      const all = [...work.subscriptions];
      for (let i = 0; i < all.length; i += CHUNK) {
        const chunk = all.slice(i, i + CHUNK);
        const rows = await loadSubscriptionAccess(db, replica.timeZone, chunk);
        const found = new Set(rows.map((r) => r.id));
        replica.putSubscriptions(rows, chunk.filter((id) => !found.has(id)));
        for (const r of rows) misses.usernames.delete(r.username);
      }
    }
    // No query: read again when an Access-Request needs them (AccessReplica.openSessions).
    if (work.sessions.size && holdsOpenSessions) replica.sessions.markChanged(work.sessions);
    if (work.usage.size) await reloadUsage([...work.usage]);
    if (work.voucherBatches.size) await reloadVoucherBatches([...work.voucherBatches]);
    if (work.vouchers.size) await reloadVouchers([...work.vouchers]);
  }

  /** Reloads vouchers by id with their open sessions (and any batch the replica lacks). */
  async function reloadVouchers(all: number[]): Promise<void> {
    for (let i = 0; i < all.length; i += CHUNK) {
      const chunk = all.slice(i, i + CHUNK);
      const rows = await loadVoucherAccess(db, chunk);
      const missingBatches = [...new Set(rows.map((r) => r.batchId))].filter((id) => !replica.voucherBatch(id));
      if (missingBatches.length) await reloadVoucherBatches(missingBatches);
      const found = new Set(rows.map((r) => r.id));
      replica.putVouchers(rows, chunk.filter((id) => !found.has(id)));
      replica.putVoucherOpenSessions(chunk, await loadVoucherOpenSessions(db, chunk));
      // A cached "unknown" or "used up" answer must not outlive a change of the voucher.
      if (rows.length) misses.vouchers.clear();
    }
  }

  async function reloadVoucherBatches(only?: number[]): Promise<void> {
    const rows = await loadVoucherBatchAccess(db, only);
    const found = new Set(rows.map((r) => r.id));
    replica.putVoucherBatches(rows, (only ?? replica.voucherBatchIds()).filter((id) => !found.has(id)));
  }

  async function loadSettings(): Promise<void> {
    const row = await db('settings').where({ key: 'aaa' }).first('value');
    const { settings, error } = parseAaaSettings(row?.value);
    if (error) log.error({ error }, 'stored aaa settings are invalid; using defaults');
    replica.settings = settings;
  }

  async function loadNas(only?: number[]): Promise<void> {
    const entries = await loadNasEntries(db, deps.secrets, log, only);
    const found = new Set(entries.map((e) => e.id));
    const removed = (only ?? replica.nasIds()).filter((id) => !found.has(id));
    replica.putNas(entries, removed);
  }

  async function reloadPlans(only?: number[]): Promise<void> {
    const rows = await loadPlanAccess(db, only);
    const found = new Set(rows.map((r) => r.id));
    replica.putPlans(rows, (only ?? replica.planIds()).filter((id) => !found.has(id)));
  }

  async function reloadUsage(subscriptionIds: number[]): Promise<void> {
    const now = deps.clock.now();
    const from = new Map<number, string>();
    for (const id of subscriptionIds) {
      const sub = replica.subscriptionById(id);
      const plan = sub && replica.plan(sub.planId);
      const start = sub && plan ? replica.quotaPeriodStart(sub, plan, now) : null;
      if (start) from.set(id, start);
    }
    const ids = [...from.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const used = await loadUsageSince(db, chunk, from);
      for (const [id, octets] of used) replica.putUsage(id, from.get(id)!, octets);
    }
  }

  /**
   * Opens the sealed passwords now rather than on each first login: after a restart every
   * router reconnects its subscribers at once, and each first login would pay the AES-GCM cost
   * then. Yields to the event loop every few thousand, so a reload never stalls RADIUS.
   */
  async function openPasswords(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i++) {
      const entry = replica.subscriptionById(ids[i]!);
      if (entry) {
        try {
          replica.password(entry);
        } catch (err) {
          log.error({ subscriptionId: entry.id, err: (err as Error).message }, 'cannot open subscriber password (wrong APP_SECRET_KEY?)');
        }
      }
      if (i % 5000 === 4999) await new Promise(setImmediate);
    }
  }

  async function loadAll(): Promise<void> {
    const t0 = Date.now();
    await loadSettings();
    await loadNas();
    await reloadPlans();
    const subs = await loadSubscriptionAccess(db, replica.timeZone);
    const found = new Set(subs.map((s) => s.id));
    replica.putSubscriptions(subs, replica.subscriptionIds().filter((id) => !found.has(id)));
    const change = replica.sessions.changeCount;
    const sessions = holdsOpenSessions ? await loadOpenSessions(db) : [];
    replica.sessions.putAll(sessions, change);
    await reloadUsage(replica.quotaSubscriptionIds());
    await reloadVoucherBatches();
    const vouchers = await loadVoucherAccess(db);
    const liveVouchers = new Set(vouchers.map((v) => v.id));
    replica.putVouchers(vouchers, replica.voucherIds().filter((id) => !liveVouchers.has(id)));
    replica.clearVoucherOpenSessions();
    replica.putVoucherOpenSessions([], await loadVoucherOpenSessions(db));
    await openPasswords(subs.map((sub) => sub.id));
    misses.usernames.clear();
    misses.vouchers.clear();
    log.info({ ms: Date.now() - t0, ...replica.sizes, openSessions: sessions.length }, 'AAA replica loaded');
  }

  async function readOpenSessions(subscriptionIds: Iterable<number>): Promise<void> {
    const marked = [...subscriptionIds].filter((id) => replica.sessions.changeOf(id) > 0);
    for (let i = 0; i < marked.length; i += CHUNK) {
      const chunk = marked.slice(i, i + CHUNK);
      const changes = chunk.map((id) => replica.sessions.changeOf(id));
      replica.sessions.putEach(chunk, await loadOpenSessions(db, chunk), changes);
    }
  }

  return { applyChanges, loadAll, reloadPlans, reloadVoucherBatches, readOpenSessions };
}
