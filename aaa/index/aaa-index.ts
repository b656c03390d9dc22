/**
 * The radius role's in-memory index: everything an Access-Request decision needs (NAS by source
 * IP, subscriptions by username, plans, open sessions, quota usage, settings), so the hot path
 * makes no database round trip. PostgreSQL stays the source of truth: aaa/index/index-sync.ts
 * loads the index at start and keeps it fresh from LISTEN/NOTIFY.
 *
 * Plain maps with replace-on-write: a reload swaps whole entries, so a reader never sees half an
 * update (all access is on the one event-loop thread).
 */
import type { OpenSessionAccess, PlanAccess, SubscriptionAccess } from '../../billing/subscriptions/access-state.js';
import { localDate, periodContaining } from '../../billing/plans/billing-period.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { parseAaaSettings, type AaaSettings } from '../policy/aaa-settings.js';

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

interface UsageEntry {
  /** First local day of the quota period the octets count from. */
  periodStart: string;
  octets: number;
}

export class AaaIndex {
  private readonly nasByIp = new Map<string, NasEntry>();
  private readonly nasById = new Map<number, NasEntry>();
  private readonly byUsername = new Map<string, SubscriptionEntry>();
  private readonly byId = new Map<number, SubscriptionEntry>();
  private readonly plans = new Map<number, PlanAccess>();
  private readonly sessions = new Map<number, OpenSessionAccess[]>();
  private readonly usage = new Map<number, UsageEntry>();
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

  openSessions(subscriptionId: number): readonly OpenSessionAccess[] {
    return this.sessions.get(subscriptionId) ?? EMPTY;
  }

  /** The subscription's cleartext password (opened once, then cached in the entry). */
  password(entry: SubscriptionEntry): string {
    entry.password ??= this.secrets.open(entry.passwordEnc);
    return entry.password;
  }

  /** First local day of the quota period containing `now`, or null when the plan has no quota. */
  quotaPeriodStart(sub: SubscriptionAccess, plan: PlanAccess, now: Date): string | null {
    if (plan.quotaBytes === null) return null;
    return periodContaining(localDate(now, this.timeZone), plan.billingCycle, sub.anchorDay, sub.startDate, plan.cycleDays).start;
  }

  /** Octets used since `periodStart`, or undefined when the index does not hold that period (load it). */
  usedOctets(subscriptionId: number, periodStart: string): number | undefined {
    const u = this.usage.get(subscriptionId);
    return u && u.periodStart === periodStart ? u.octets : undefined;
  }

  // --- writes, by index-sync -------------------------------------------------------------

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

  putPlans(rows: PlanAccess[], removedIds: number[] = []): void {
    for (const id of removedIds) this.plans.delete(id);
    for (const p of rows) this.plans.set(p.id, p);
  }

  /** Replaces the open sessions of `subscriptionIds` with `rows` (subscriptions absent from rows have none). */
  putOpenSessions(subscriptionIds: Iterable<number>, rows: OpenSessionAccess[]): void {
    for (const id of subscriptionIds) this.sessions.delete(id);
    for (const r of rows) {
      const list = this.sessions.get(r.subscriptionId);
      if (list) list.push(r);
      else this.sessions.set(r.subscriptionId, [r]);
    }
  }

  clearOpenSessions(): void {
    this.sessions.clear();
  }

  putUsage(subscriptionId: number, periodStart: string, octets: number): void {
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

  get sizes(): { nas: number; subscriptions: number; plans: number; subscriptionsOnline: number } {
    return { nas: this.nasById.size, subscriptions: this.byId.size, plans: this.plans.size, subscriptionsOnline: this.sessions.size };
  }
}

const EMPTY: readonly OpenSessionAccess[] = Object.freeze([]);
