/**
 * Replica misses: a username, voucher code or quota period the AccessReplica does not hold yet (a row
 * committed a moment ago, whose notification is still on its way) is read from PostgreSQL through
 * billing/access and joined to the replica. The answer "no such row" (and a used or expired voucher)
 * is remembered for 5 s, so retransmissions and retries of a stranger cost no query.
 */
import { findSubscriptionAccessByUsername, loadOpenSessions, loadUsageSince, type OpenSessionAccess } from '../../billing/access/subscription-access.js';
import { findVoucherByCode, loadVoucherOpenSessions, type VoucherAccess } from '../../billing/access/voucher-access.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { RateLimitedLog } from '../../lib/rate-limited-log.js';
import type { AccessReplica, SubscriptionEntry } from './access-replica.js';
import type { ReplicaLoader } from './replica-loader.js';

const NEGATIVE_CACHE_MS = 5000;
/** At most this many remembered misses of each kind; beyond, they are all forgotten. */
const MAX_MISSES = 10_000;

/** Remembered answers to misses, by key, until an epoch-millisecond time. */
export interface LookupMisses {
  /** Usernames with no subscription. */
  usernames: Map<string, number>;
  /** Voucher codes (joined by NUL) with their answer: none, or a used or expired voucher. */
  vouchers: Map<string, { until: number; found: VoucherAccess | undefined }>;
}

export const noMisses = (): LookupMisses => ({ usernames: new Map(), vouchers: new Map() });

export interface ReplicaLookups {
  /** Replica miss for a username: one query; a known-unknown name is remembered for 5 s. */
  lookupUsername(username: string): Promise<SubscriptionEntry | undefined>;
  /**
   * Replica miss for a voucher code (the first of `codes` that exists: the name as given, then as
   * printed): one query. A live voucher (created a moment ago) joins the replica; a used or
   * expired one is returned for its Reply-Message but not kept; the answer is remembered for 5 s.
   */
  lookupVoucher(codes: string[]): Promise<VoucherAccess | undefined>;
  /** Loads the quota usage (octets) of a subscription for the period starting `periodStart`. */
  loadUsage(subscriptionId: number, periodStart: string): Promise<bigint>;
  /**
   * Reads the open sessions of a subscription that accounting changed since the replica read them
   * (AccessReplica.openSessions gave undefined): one query, shared by the requests that wait for
   * it at once; the replica holds the answer. When the database fails, it answers with the
   * sessions as last read (logged once a minute) and the mark stays: a login goes on as it did
   * when a reload failed, instead of waiting for PostgreSQL to come back.
   */
  loadOpenSessions(subscriptionId: number): Promise<readonly OpenSessionAccess[]>;
}

export function createReplicaLookups(deps: { db: Knex; replica: AccessReplica; loader: ReplicaLoader; misses: LookupMisses; log: Logger }): ReplicaLookups {
  const { db, replica, loader, misses } = deps;
  /** Reads under way by subscription, with the change number each started after. */
  const sessionReads = new Map<number, { change: number; read: Promise<readonly OpenSessionAccess[]> }>();
  const readFailures = new RateLimitedLog(60_000);
  return {
    async lookupUsername(username) {
      // Usernames are 1-64 characters without NUL (migrations/…_subscriptions.ts): anything else
      // cannot be in the table, and PostgreSQL would refuse the NUL.
      if (username.length > 64 || username.includes('\0')) return undefined;
      const until = misses.usernames.get(username);
      if (until !== undefined && until > Date.now()) return undefined;
      const row = await findSubscriptionAccessByUsername(db, replica.timeZone, username);
      if (!row) {
        if (misses.usernames.size >= MAX_MISSES) misses.usernames.clear();
        misses.usernames.set(username, Date.now() + NEGATIVE_CACHE_MS);
        return undefined;
      }
      replica.putSubscriptions([row]);
      if (!replica.plan(row.planId)) await loader.reloadPlans([row.planId]);
      return replica.subscription(username);
    },
    async lookupVoucher(codes) {
      if (!codes.length) return undefined;
      const key = codes.join('\0');
      const cached = misses.vouchers.get(key);
      if (cached && cached.until > Date.now()) return cached.found;
      const found = (await findVoucherByCode(db, codes)) ?? undefined;
      if (found && !replica.voucherBatch(found.batchId)) await loader.reloadVoucherBatches([found.batchId]);
      if (found) replica.putVouchers([found]);
      const live = found && replica.voucherById(found.id);
      if (live) {
        replica.putVoucherOpenSessions([found.id], await loadVoucherOpenSessions(db, [found.id]));
        return live;
      }
      // Unknown, used or expired: the answer stays the same for a while (retransmissions, retries).
      if (misses.vouchers.size >= MAX_MISSES) misses.vouchers.clear();
      misses.vouchers.set(key, { until: Date.now() + NEGATIVE_CACHE_MS, found });
      return found;
    },
    async loadUsage(subscriptionId, periodStart) {
      const used = await loadUsageSince(db, [subscriptionId], new Map([[subscriptionId, periodStart]]));
      const octets = used.get(subscriptionId) ?? 0n;
      replica.putUsage(subscriptionId, periodStart, octets);
      return octets;
    },
    loadOpenSessions(subscriptionId) {
      const change = replica.sessions.changeOf(subscriptionId);
      // Joined only when no change came since it started: a login never waits for an older view.
      const reading = sessionReads.get(subscriptionId);
      if (reading && reading.change === change) return reading.read;
      const read = loadOpenSessions(db, [subscriptionId]).then(
        (rows): readonly OpenSessionAccess[] => {
          replica.sessions.put(subscriptionId, rows, change);
          return rows;
        },
        (err: unknown) => {
          if (readFailures.shouldLog('open-sessions')) deps.log.warn({ err }, 'open sessions not read; deciding on the sessions as last read (logged once a minute)');
          return replica.sessions.lastRead(subscriptionId);
        },
      );
      const entry = { change, read };
      sessionReads.set(subscriptionId, entry);
      const done = (): void => { if (sessionReads.get(subscriptionId) === entry) sessionReads.delete(subscriptionId); };
      read.then(done, done);
      return read;
    },
  };
}
