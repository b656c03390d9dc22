/**
 * The radius role's access replica: an in-memory copy of everything an Access-Request decision
 * needs (NAS by source IP, subscriptions by username, plans, open sessions, quota usage, settings,
 * and the live hotspot vouchers with their batches, usage and open sessions), so the hot path
 * makes no database round trip. PostgreSQL stays the source of truth: aaa/replica/replica-sync.ts
 * loads the replica at start and keeps it fresh from LISTEN/NOTIFY. (Called a replica, not an
 * index: in PostgreSQL that word means something else; ARCHITECTURE.md, "Vocabulary".)
 *
 * Plain maps with replace-on-write: a reload swaps whole entries, so a reader never sees half an
 * update (all access is on the one event-loop thread).
 */
import type { OpenSessionAccess, PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';
import { quotaPeriodStart } from '../../billing/access/quota-period.js';
import type { VoucherAccess, VoucherBatchAccess, VoucherSessionAccess } from '../../billing/access/voucher-access.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { parseAaaSettings, type AaaSettings } from '../settings/aaa-settings.js';
import { OpenSessions } from './open-sessions.js';

export interface NasEntry {
  id: number;
  name: string;
  ipAddress: string;
  /** Shared secret, UTF-8 bytes. */
  secret: Buffer;
  vendor: string;
  coaPort: number;
  requireMessageAuthenticator: boolean;
}

export interface SubscriptionEntry extends SubscriptionAccess {
  /** Cleartext password, opened from passwordEnc on first use (null until then). */
  password: string | null;
}

/**
 * A voucher's last Access-Accept whose session accounting has not reported yet: a second device
 * asking in that window is refused like one with an open session (one device at a time).
 */
export interface VoucherAcceptMark {
  nasIpAddress: string;
  callingStationId: string | null;
  /** Epoch milliseconds. */
  at: number;
}

interface UsageEntry {
  /** First local day of the quota period the octets count from. */
  periodStart: string;
  /** Octets in + out: a bigint, sums of 64-bit counters pass 2^53 (RFC 2869 §5.1-5.2). */
  octets: bigint;
}

export class AccessReplica {
  private readonly nasByIp = new Map<string, NasEntry>();
  private readonly nasById = new Map<number, NasEntry>();
  private readonly byUsername = new Map<string, SubscriptionEntry>();
  private readonly byId = new Map<number, SubscriptionEntry>();
  private readonly plans = new Map<number, PlanAccess>();
  /** Open sessions by subscription, with the changes accounting made since they were read (open-sessions.ts). */
  readonly sessions = new OpenSessions();
  private readonly usage = new Map<number, UsageEntry>();
  private readonly vouchersByCode = new Map<string, VoucherAccess>();
  private readonly vouchersById = new Map<number, VoucherAccess>();
  private readonly voucherBatches = new Map<number, VoucherBatchAccess>();
  private readonly voucherSessions = new Map<number, VoucherSessionAccess[]>();
  private readonly voucherAccepts = new Map<number, VoucherAcceptMark>();
  settings: AaaSettings = parseAaaSettings({}).settings;

  constructor(
    private readonly secrets: SecretBox,
    /** ISP time zone: quota periods are local dates. */
    readonly timeZone: string,
  ) {}

  nas(ipAddress: string): NasEntry | undefined {
    return this.nasByIp.get(ipAddress);
  }

  nasId(id: number): NasEntry | undefined {
    return this.nasById.get(id);
  }

  subscription(username: string): SubscriptionEntry | undefined {
    return this.byUsername.get(username);
  }

  subscriptionById(id: number): SubscriptionEntry | undefined {
    return this.byId.get(id);
  }

  plan(id: number): PlanAccess | undefined {
    return this.plans.get(id);
  }

  /**
   * The open sessions of a subscription, or undefined when accounting changed them since they were
   * read (`sessions`, open-sessions.ts): load them (ReplicaSync.loadOpenSessions) before deciding.
   */
  openSessions(subscriptionId: number): readonly OpenSessionAccess[] | undefined {
    return this.sessions.of(subscriptionId);
  }

  /** The subscription's cleartext password (opened once, then cached in the entry). */
  password(entry: SubscriptionEntry): string {
    entry.password ??= this.secrets.open(entry.passwordEnc);
    return entry.password;
  }

  /** First local day of the quota period containing `now`, or null when the plan has no quota. */
  quotaPeriodStart(sub: SubscriptionAccess, plan: PlanAccess, now: Date): string | null {
    return quotaPeriodStart(sub, plan, now, this.timeZone);
  }

  /** Octets used since `periodStart`, or undefined when the replica does not hold that period (load it). */
  usedOctets(subscriptionId: number, periodStart: string): bigint | undefined {
    const u = this.usage.get(subscriptionId);
    return u && u.periodStart === periodStart ? u.octets : undefined;
  }

  /** A live voucher (unused, sold or active) by its code; used and expired ones are not kept. */
  voucher(code: string): VoucherAccess | undefined {
    return this.vouchersByCode.get(code);
  }

  voucherById(id: number): VoucherAccess | undefined {
    return this.vouchersById.get(id);
  }

  voucherBatch(id: number): VoucherBatchAccess | undefined {
    return this.voucherBatches.get(id);
  }

  voucherOpenSessions(voucherId: number): readonly VoucherSessionAccess[] {
    return this.voucherSessions.get(voucherId) ?? EMPTY_VOUCHER_SESSIONS;
  }

  /** The voucher's last Access-Accept not yet followed by accounting, if any. */
  voucherAccept(voucherId: number): VoucherAcceptMark | undefined {
    return this.voucherAccepts.get(voucherId);
  }

  /** Remembers an Access-Accept of the voucher until its session shows up in accounting. */
  markVoucherAccepted(voucherId: number, mark: VoucherAcceptMark): void {
    this.voucherAccepts.set(voucherId, mark);
  }

  // --- writes, by replica-sync -------------------------------------------------------------

  putNas(rows: NasEntry[], removedIds: number[] = []): void {
    for (const id of removedIds) this.removeNas(id);
    for (const n of rows) {
      this.removeNas(n.id);
      this.nasById.set(n.id, n);
      this.nasByIp.set(n.ipAddress, n);
    }
  }

  private removeNas(id: number): void {
    const old = this.nasById.get(id);
    if (!old) return;
    this.nasById.delete(id);
    if (this.nasByIp.get(old.ipAddress) === old) this.nasByIp.delete(old.ipAddress);
  }

  putSubscriptions(rows: SubscriptionAccess[], removedIds: number[] = []): void {
    for (const id of removedIds) this.removeSubscription(id);
    for (const s of rows) {
      this.removeSubscription(s.id);
      // `password` is part of the shape from the start: adding it on first login would change
      // the hidden class of 100,000 objects (and cost each a property backing store).
      const entry: SubscriptionEntry = { ...s, password: null };
      this.byId.set(s.id, entry);
      this.byUsername.set(s.username, entry);
    }
  }

  private removeSubscription(id: number): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    if (this.byUsername.get(old.username) === old) this.byUsername.delete(old.username);
    this.usage.delete(id);
  }

  /** Replaces vouchers by id; one no longer live (used, expired) or listed in `removedIds` leaves the replica. */
  putVouchers(rows: VoucherAccess[], removedIds: number[] = []): void {
    for (const id of removedIds) this.removeVoucher(id);
    for (const v of rows) {
      this.removeVoucher(v.id, false);
      if (v.status !== 'unused' && v.status !== 'sold' && v.status !== 'active') {
        this.voucherAccepts.delete(v.id);
        continue;
      }
      this.vouchersById.set(v.id, v);
      this.vouchersByCode.set(v.code, v);
    }
  }

  private removeVoucher(id: number, all = true): void {
    const old = this.vouchersById.get(id);
    if (all) {
      this.voucherSessions.delete(id);
      this.voucherAccepts.delete(id);
    }
    if (!old) return;
    this.vouchersById.delete(id);
    if (this.vouchersByCode.get(old.code) === old) this.vouchersByCode.delete(old.code);
  }

  putVoucherBatches(rows: VoucherBatchAccess[], removedIds: number[] = []): void {
    for (const id of removedIds) this.voucherBatches.delete(id);
    for (const b of rows) this.voucherBatches.set(b.id, b);
  }

  /**
   * Replaces the open sessions of `voucherIds` with `rows`. Accounting news of the voucher (a
   * session reported, or one that ended) ends its accept mark: the mark only covers the moment
   * between an Access-Accept and the session's Start.
   */
  putVoucherOpenSessions(voucherIds: Iterable<number>, rows: VoucherSessionAccess[]): void {
    for (const id of voucherIds) {
      if (this.voucherSessions.delete(id)) this.voucherAccepts.delete(id);
    }
    for (const r of rows) {
      this.voucherAccepts.delete(r.voucherId);
      const list = this.voucherSessions.get(r.voucherId);
      if (list) list.push(r);
      else this.voucherSessions.set(r.voucherId, [r]);
    }
  }

  clearVoucherOpenSessions(): void {
    this.voucherSessions.clear();
  }

  voucherIds(): number[] {
    return [...this.vouchersById.keys()];
  }

  voucherBatchIds(): number[] {
    return [...this.voucherBatches.keys()];
  }

  putPlans(rows: PlanAccess[], removedIds: number[] = []): void {
    for (const id of removedIds) this.plans.delete(id);
    for (const p of rows) this.plans.set(p.id, p);
  }

  putUsage(subscriptionId: number, periodStart: string, octets: bigint): void {
    this.usage.set(subscriptionId, { periodStart, octets });
  }

  /** Subscription ids on a quota plan (their usage is worth keeping in memory). */
  quotaSubscriptionIds(): number[] {
    const ids: number[] = [];
    for (const s of this.byId.values()) if (this.plans.get(s.planId)?.quotaBytes != null) ids.push(s.id);
    return ids;
  }

  subscriptionIds(): number[] {
    return [...this.byId.keys()];
  }

  nasIds(): number[] {
    return [...this.nasById.keys()];
  }

  planIds(): number[] {
    return [...this.plans.keys()];
  }

  get sizes(): { nas: number; subscriptions: number; plans: number; subscriptionsOnline: number; vouchers: number; vouchersOnline: number } {
    return {
      nas: this.nasById.size, subscriptions: this.byId.size, plans: this.plans.size, subscriptionsOnline: this.sessions.online,
      vouchers: this.vouchersById.size, vouchersOnline: this.voucherSessions.size,
    };
  }
}

const EMPTY_VOUCHER_SESSIONS: readonly VoucherSessionAccess[] = Object.freeze([]);
