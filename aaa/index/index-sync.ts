/**
 * Keeps the AaaIndex in step with PostgreSQL: a full load at start, then LISTEN on the channels
 * the triggers of migrations/20261121001200_aaa_notify.ts notify (aaa_index, aaa_sessions,
 * aaa_usage) and those of migrations/20261122000600_voucher_enforcement.ts (aaa_vouchers:
 * `v:1,2` vouchers whose row or sessions changed, `b:3` batches). Notifications are coalesced for a few milliseconds and reloaded by id in batches,
 * so a bulk import is a handful of queries. When the LISTEN connection drops, it reconnects and
 * reloads everything (notifications sent meanwhile are lost to us). A change committed in the
 * database reaches the next decision in well under a second.
 */
import pg from 'pg';
import {
  loadOpenSessions,
  loadPlanAccess,
  loadSubscriptionAccess,
  loadUsageSince,
} from '../../billing/access/subscription-access.js';
import {
  findVoucherByCode,
  loadVoucherAccess,
  loadVoucherBatchAccess,
  loadVoucherOpenSessions,
  type VoucherAccess,
} from '../../billing/access/voucher-access.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { parseAaaSettings } from '../policy/aaa-settings.js';
import type { AaaIndex, NasEntry, SubscriptionEntry } from './aaa-index.js';

const CHANNELS = ['aaa_index', 'aaa_sessions', 'aaa_usage', 'aaa_vouchers'] as const;
const COALESCE_MS = 10;
const CHUNK = 5000;
/** Above this many pending subscription ids a full reload is cheaper than reloading by id. */
const FULL_RELOAD_THRESHOLD = 20_000;
const NEGATIVE_CACHE_MS = 5000;

export interface IndexSyncDeps {
  db: Knex;
  /** Connection URL for the dedicated LISTEN connection. */
  databaseUrl: string;
  index: AaaIndex;
  secrets: SecretBox;
  log: Logger;
  clock: Clock;
}

export interface IndexSync {
  /** Loads everything and starts listening. Resolves when the index is complete. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Index miss for a username: one query; a known-unknown name is remembered for 5 s. */
  lookupUsername(username: string): Promise<SubscriptionEntry | undefined>;
  /**
   * Index miss for a voucher code (the first of `codes` that exists: the name as given, then as
   * printed): one query. A live voucher (created a moment ago) joins the index; a used or
   * expired one is returned for its Reply-Message but not kept; the answer is remembered for 5 s.
   */
  lookupVoucher(codes: string[]): Promise<VoucherAccess | undefined>;
  /** Loads the quota usage (octets) of a subscription for the period starting `periodStart`. */
  loadUsage(subscriptionId: number, periodStart: string): Promise<bigint>;
  /** Resolves when every change committed before the call has been applied to the index (tests). */
  settled(): Promise<void>;
}

interface Pending {
  subscriptions: Set<number>;
  plans: Set<number>;
  nas: Set<number>;
  settings: boolean;
  sessions: Set<number>;
  usage: Set<number>;
  vouchers: Set<number>;
  voucherBatches: Set<number>;
  full: boolean;
}

const emptyPending = (): Pending => ({
  subscriptions: new Set(), plans: new Set(), nas: new Set(), settings: false,
  sessions: new Set(), usage: new Set(), vouchers: new Set(), voucherBatches: new Set(), full: false,
});

export function createIndexSync(deps: IndexSyncDeps): IndexSync {
  const { db, index, log } = deps;
  let client: pg.Client | null = null;
  let stopped = false;
  let pending = emptyPending();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let probes: Promise<unknown> = Promise.resolve();
  let reconnectDelay = 500;
  const unknown = new Map<string, number>();
  const unknownVouchers = new Map<string, { until: number; found: VoucherAccess | undefined }>();

  const ids = (payload: string): number[] =>
    payload.split(',').map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);

  function onNotification(msg: pg.Notification): void {
    const payload = msg.payload ?? '';
    if (msg.channel === 'aaa_sessions') for (const id of ids(payload)) pending.sessions.add(id);
    else if (msg.channel === 'aaa_usage') for (const id of ids(payload)) pending.usage.add(id);
    else if (msg.channel === 'aaa_vouchers') {
      const [kind, list = ''] = payload.split(':', 2);
      if (kind === 'v') for (const id of ids(list)) pending.vouchers.add(id);
      else if (kind === 'b') for (const id of ids(list)) pending.voucherBatches.add(id);
    } else {
      const [kind, list = ''] = payload.split(':', 2);
      if (kind === 'settings') pending.settings = true;
      else if (kind === 'subscription') for (const id of ids(list)) pending.subscriptions.add(id);
      else if (kind === 'plan') for (const id of ids(list)) pending.plans.add(id);
      else if (kind === 'nas') for (const id of ids(list)) pending.nas.add(id);
    }
    schedule();
  }

  function schedule(): void {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      const work = pending;
      pending = emptyPending();
      flushing = flushing.then(() => apply(work)).catch((err: unknown) => {
        log.error({ err }, 'index reload failed; reloading everything');
        pending.full = true;
        setTimeout(schedule, 1000).unref();
      });
    }, COALESCE_MS);
  }

  async function apply(work: Pending): Promise<void> {
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
        const rows = await loadSubscriptionAccess(db, index.timeZone, chunk);
        const found = new Set(rows.map((r) => r.id));
        index.putSubscriptions(rows, chunk.filter((id) => !found.has(id)));
        for (const r of rows) unknown.delete(r.username);
      }
    }
    if (work.sessions.size) {
      const all = [...work.sessions];
      for (let i = 0; i < all.length; i += CHUNK) {
        const chunk = all.slice(i, i + CHUNK);
        index.putOpenSessions(chunk, await loadOpenSessions(db, chunk));
      }
    }
    if (work.usage.size) await reloadUsage([...work.usage]);
    if (work.voucherBatches.size) await reloadVoucherBatches([...work.voucherBatches]);
    if (work.vouchers.size) await reloadVouchers([...work.vouchers]);
  }

  /** Reloads vouchers by id with their open sessions (and any batch the index lacks). */
  async function reloadVouchers(all: number[]): Promise<void> {
    for (let i = 0; i < all.length; i += CHUNK) {
      const chunk = all.slice(i, i + CHUNK);
      const rows = await loadVoucherAccess(db, chunk);
      const missingBatches = [...new Set(rows.map((r) => r.batchId))].filter((id) => !index.voucherBatch(id));
      if (missingBatches.length) await reloadVoucherBatches(missingBatches);
      const found = new Set(rows.map((r) => r.id));
      index.putVouchers(rows, chunk.filter((id) => !found.has(id)));
      index.putVoucherOpenSessions(chunk, await loadVoucherOpenSessions(db, chunk));
      // A cached "unknown" or "used up" answer must not outlive a change of the voucher.
      if (rows.length) unknownVouchers.clear();
    }
  }

  async function reloadVoucherBatches(only?: number[]): Promise<void> {
    const rows = await loadVoucherBatchAccess(db, only);
    const found = new Set(rows.map((r) => r.id));
    index.putVoucherBatches(rows, (only ?? index.voucherBatchIds()).filter((id) => !found.has(id)));
  }

  async function loadSettings(): Promise<void> {
    const row = await db('settings').where({ key: 'aaa' }).first('value');
    const { settings, error } = parseAaaSettings(row?.value);
    if (error) log.error({ error }, 'stored aaa settings are invalid; using defaults');
    index.settings = settings;
  }

  async function loadNas(only?: number[]): Promise<void> {
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
          secret: Buffer.from(deps.secrets.open(String(r.secret_enc)), 'utf8'),
          vendor: String(r.vendor),
          coaPort: Number(r.coa_port),
          requireMessageAuthenticator: Boolean(r.require_message_authenticator),
        });
      } catch (err) {
        // A secret sealed with another key: this NAS is treated as unknown until fixed.
        log.error({ nasId: r.id, err: (err as Error).message }, 'cannot open NAS secret (wrong APP_SECRET_KEY?)');
      }
    }
    const found = new Set(entries.map((e) => e.id));
    const removed = (only ?? index.nasIds()).filter((id) => !found.has(id));
    index.putNas(entries, removed);
  }

  async function reloadPlans(only?: number[]): Promise<void> {
    const rows = await loadPlanAccess(db, only);
    const found = new Set(rows.map((r) => r.id));
    index.putPlans(rows, (only ?? index.planIds()).filter((id) => !found.has(id)));
  }

  async function reloadUsage(subscriptionIds: number[]): Promise<void> {
    const now = deps.clock.now();
    const from = new Map<number, string>();
    for (const id of subscriptionIds) {
      const sub = index.subscriptionById(id);
      const plan = sub && index.plan(sub.planId);
      const start = sub && plan ? index.quotaPeriodStart(sub, plan, now) : null;
      if (start) from.set(id, start);
    }
    const ids = [...from.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const used = await loadUsageSince(db, chunk, from);
      for (const [id, octets] of used) index.putUsage(id, from.get(id)!, octets);
    }
  }

  /**
   * Opens the sealed passwords now rather than on each first login: after a restart every
   * router reconnects its subscribers at once, and each first login would pay the AES-GCM cost
   * then. Yields to the event loop every few thousand, so a reload never stalls RADIUS.
   */
  async function openPasswords(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i++) {
      const entry = index.subscriptionById(ids[i]!);
      if (entry) {
        try {
          index.password(entry);
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
    const subs = await loadSubscriptionAccess(db, index.timeZone);
    const found = new Set(subs.map((s) => s.id));
    index.putSubscriptions(subs, index.subscriptionIds().filter((id) => !found.has(id)));
    index.clearOpenSessions();
    const sessions = await loadOpenSessions(db);
    index.putOpenSessions([], sessions);
    await reloadUsage(index.quotaSubscriptionIds());
    await reloadVoucherBatches();
    const vouchers = await loadVoucherAccess(db);
    const liveVouchers = new Set(vouchers.map((v) => v.id));
    index.putVouchers(vouchers, index.voucherIds().filter((id) => !liveVouchers.has(id)));
    index.clearVoucherOpenSessions();
    index.putVoucherOpenSessions([], await loadVoucherOpenSessions(db));
    await openPasswords(subs.map((sub) => sub.id));
    unknown.clear();
    unknownVouchers.clear();
    log.info({ ms: Date.now() - t0, ...index.sizes, openSessions: sessions.length }, 'AAA index loaded');
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: deps.databaseUrl, application_name: 'isp radius listen' });
    c.on('notification', onNotification);
    c.on('error', (err) => {
      log.warn({ err: err.message }, 'index LISTEN connection error');
    });
    c.on('end', () => {
      if (client === c) client = null;
      if (!stopped) {
        log.warn('index LISTEN connection lost; reconnecting');
        setTimeout(() => void reconnect(), reconnectDelay).unref();
      }
    });
    await c.connect();
    for (const ch of CHANNELS) await c.query(`LISTEN ${ch}`);
    client = c;
  }

  async function reconnect(): Promise<void> {
    if (stopped || client) return;
    try {
      await connect();
      reconnectDelay = 500;
      pending.full = true;
      schedule();
    } catch (err) {
      reconnectDelay = Math.min(reconnectDelay * 2, 10_000);
      log.warn({ err: (err as Error).message, retryMs: reconnectDelay }, 'index LISTEN reconnect failed');
      setTimeout(() => void reconnect(), reconnectDelay).unref();
    }
  }

  return {
    async start() {
      await connect(); // listen first, so nothing committed during the load is missed
      await loadAll();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await flushing.catch(() => {});
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
    async lookupUsername(username) {
      // Usernames are 1-64 characters without NUL (migrations/…_subscriptions.ts): anything else
      // cannot be in the table, and PostgreSQL would refuse the NUL.
      if (username.length > 64 || username.includes('\0')) return undefined;
      const until = unknown.get(username);
      if (until !== undefined && until > Date.now()) return undefined;
      const row = await db('subscriptions').where({ username }).first('id');
      if (!row) {
        if (unknown.size >= 10_000) unknown.clear();
        unknown.set(username, Date.now() + NEGATIVE_CACHE_MS);
        return undefined;
      }
      const rows = await loadSubscriptionAccess(db, index.timeZone, [Number(row.id)]);
      index.putSubscriptions(rows);
      const [missingPlan] = rows.filter((r) => !index.plan(r.planId)).map((r) => r.planId);
      if (missingPlan !== undefined) await reloadPlans([missingPlan]);
      return index.subscription(username);
    },
    async lookupVoucher(codes) {
      if (!codes.length) return undefined;
      const key = codes.join('\0');
      const cached = unknownVouchers.get(key);
      if (cached && cached.until > Date.now()) return cached.found;
      const found = (await findVoucherByCode(db, codes)) ?? undefined;
      if (found && !index.voucherBatch(found.batchId)) await reloadVoucherBatches([found.batchId]);
      if (found) index.putVouchers([found]);
      const live = found && index.voucherById(found.id);
      if (live) {
        index.putVoucherOpenSessions([found.id], await loadVoucherOpenSessions(db, [found.id]));
        return live;
      }
      // Unknown, used or expired: the answer stays the same for a while (retransmissions, retries).
      if (unknownVouchers.size >= 10_000) unknownVouchers.clear();
      unknownVouchers.set(key, { until: Date.now() + NEGATIVE_CACHE_MS, found });
      return found;
    },
    async loadUsage(subscriptionId, periodStart) {
      const used = await loadUsageSince(db, [subscriptionId], new Map([[subscriptionId, periodStart]]));
      const octets = used.get(subscriptionId) ?? 0n;
      index.putUsage(subscriptionId, periodStart, octets);
      return octets;
    },
    async settled() {
      // PostgreSQL delivers the notifications committed so far before the reply to a query on
      // the listening connection, so after this round trip they have all been received.
      // One query at a time on that connection (pg queues concurrent ones but deprecates it):
      // each caller's round trip starts after its call, behind any already in flight.
      const roundTrip = probes.then(() => client?.query('SELECT 1'));
      probes = roundTrip.catch(() => undefined);
      await roundTrip;
      while (timer || pending.full) await new Promise((r) => setTimeout(r, COALESCE_MS));
      await flushing;
    },
  };
}
