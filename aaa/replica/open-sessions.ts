/**
 * The open sessions part of the replica (access-replica.ts): each subscription's open sessions as
 * last read, and the subscriptions whose sessions accounting changed since (ARCHITECTURE.md, "The
 * replica"). A committed Start or Stop marks its subscription changed with a new change number;
 * a read records the number it started after, and clears the mark only when no newer change came
 * meanwhile, so a read never hides a newer Start or Stop. Marked sessions are read by the next
 * login that needs them (replica-lookups.ts) or ahead of it a second later, in one query for all
 * marked meanwhile, in processes that decide Access-Requests (replica-sync.ts).
 */
import type { OpenSessionAccess } from '../../billing/access/subscription-access.js';

const EMPTY: readonly OpenSessionAccess[] = Object.freeze([]);

export class OpenSessions {
  private readonly bySubscription = new Map<number, OpenSessionAccess[]>();
  /** Subscription id → the number of the last change marked and not read since. */
  private readonly changed = new Map<number, number>();
  private changes = 0;

  /** The subscription's open sessions, or undefined when accounting changed them since they were read. */
  of(subscriptionId: number): readonly OpenSessionAccess[] | undefined {
    if (this.changed.has(subscriptionId)) return undefined;
    return this.bySubscription.get(subscriptionId) ?? EMPTY;
  }

  /** The subscription's open sessions as last read, changed since or not (when reading them again failed). */
  lastRead(subscriptionId: number): readonly OpenSessionAccess[] {
    return this.bySubscription.get(subscriptionId) ?? EMPTY;
  }

  /** Marks the sessions of `subscriptionIds` changed (a committed Start or Stop named them). */
  markChanged(subscriptionIds: Iterable<number>): void {
    for (const id of subscriptionIds) this.changed.set(id, ++this.changes);
  }

  /** The number of the subscription's last unread change (0: none); pass it to `put` with what is read after it. */
  changeOf(subscriptionId: number): number {
    return this.changed.get(subscriptionId) ?? 0;
  }

  /** Holds `rows`, read after change number `change`, as the subscription's open sessions; a newer change keeps its mark. */
  put(subscriptionId: number, rows: OpenSessionAccess[], change: number): void {
    if (rows.length) this.bySubscription.set(subscriptionId, rows);
    else this.bySubscription.delete(subscriptionId);
    if (this.changed.get(subscriptionId) === change) this.changed.delete(subscriptionId);
  }

  /** `put` for each of `subscriptionIds` (read after `changes[k]`) with its rows among `rows` (none: no open session). */
  putEach(subscriptionIds: number[], rows: OpenSessionAccess[], changes: number[]): void {
    const read = groupBySubscription(rows);
    subscriptionIds.forEach((id, k) => this.put(id, read.get(id) ?? [], changes[k]!));
  }

  /** Replaces every subscription's sessions with `rows` (the full load), read after change number `change` (`changeCount` before the query). */
  putAll(rows: OpenSessionAccess[], change = this.changes): void {
    this.bySubscription.clear();
    for (const [id, list] of groupBySubscription(rows)) this.bySubscription.set(id, list);
    for (const [id, n] of this.changed) if (n <= change) this.changed.delete(id);
  }

  /** The number of changes marked so far. */
  get changeCount(): number {
    return this.changes;
  }

  /** Subscriptions with open sessions, as last read. */
  get online(): number {
    return this.bySubscription.size;
  }
}

function groupBySubscription(rows: OpenSessionAccess[]): Map<number, OpenSessionAccess[]> {
  const groups = new Map<number, OpenSessionAccess[]>();
  for (const r of rows) {
    const list = groups.get(r.subscriptionId);
    if (list) list.push(r);
    else groups.set(r.subscriptionId, [r]);
  }
  return groups;
}
