/**
 * Keeps the AccessReplica in step with PostgreSQL: a full load at start, then LISTEN on the channels
 * the database notifies (pending-changes.ts). Notifications are coalesced for a few milliseconds
 * and reloaded by id in batches (replica-loader.ts), so a bulk import is a handful of queries. When
 * the LISTEN connection drops, it reconnects and reloads everything (listen-connection.ts:
 * notifications sent meanwhile are lost to us). A change committed in the database reaches the
 * next decision in well under a second. Replica misses are read at once (replica-lookups.ts).
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { AccessReplica } from './access-replica.js';
import { createReplicaLoader } from './replica-loader.js';
import { createReplicaLookups, noMisses, type ReplicaLookups } from './replica-lookups.js';
import { createListenConnection } from './listen-connection.js';
import { addNotification, noChanges, type PendingChanges } from './pending-changes.js';
import { RateLimitedLog } from '../../lib/rate-limited-log.js';

const COALESCE_MS = 10;
/**
 * Open sessions a Start or Stop marked changed are read ahead of the subscriber's next login this
 * long after the mark, in one query for all marked meanwhile (a PPPoE reconnect takes seconds); a
 * login sooner reads them itself (replica-lookups.ts).
 */
const READ_AHEAD_MS = 1000;

export interface ReplicaSyncDeps {
  db: Knex;
  /** Connection URL for the dedicated LISTEN connection. */
  databaseUrl: string;
  replica: AccessReplica;
  secrets: SecretBox;
  log: Logger;
  clock: Clock;
  /**
   * Whether this process holds open sessions (default true): loaded at start, marked changed on
   * notification and read ahead of the next login (READ_AHEAD_MS). False in an accounting-only
   * process, which never decides an Access-Request: with a million subscribers online it would
   * hold a million sessions for nothing.
   */
  holdsOpenSessions?: boolean;
}

export interface ReplicaSync extends ReplicaLookups {
  /** Loads everything and starts listening. Resolves when the replica is complete. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when every change committed before the call has been applied to the replica (tests). */
  settled(): Promise<void>;
}

export function createReplicaSync(deps: ReplicaSyncDeps): ReplicaSync {
  const { db, replica, log } = deps;
  let stopped = false;
  let pending: PendingChanges = noChanges();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const readAhead = new Set<number>();
  let readAheadTimer: NodeJS.Timeout | null = null;
  let reading: Promise<void> = Promise.resolve();
  const misses = noMisses();
  const holdsOpenSessions = deps.holdsOpenSessions ?? true;
  const loader = createReplicaLoader({ db, replica, secrets: deps.secrets, log, clock: deps.clock, misses, holdsOpenSessions });
  const readAheadFailures = new RateLimitedLog(60_000);
  const listen = createListenConnection({
    databaseUrl: deps.databaseUrl,
    log,
    onNotification(channel, payload) {
      addNotification(pending, channel, payload);
      schedule();
    },
    onReconnected() {
      pending.full = true;
      schedule();
    },
    stopped: () => stopped,
  });

  function schedule(): void {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      const work = pending;
      pending = noChanges();
      if (holdsOpenSessions && work.sessions.size) scheduleReadAhead(work.sessions);
      flushing = flushing.then(() => loader.applyChanges(work)).catch((err: unknown) => {
        log.error({ err }, 'replica reload failed; reloading everything');
        pending.full = true;
        setTimeout(schedule, 1000).unref();
      });
    }, COALESCE_MS);
  }

  function scheduleReadAhead(ids: Iterable<number>): void {
    for (const id of ids) readAhead.add(id);
    if (readAheadTimer || stopped) return;
    readAheadTimer = setTimeout(() => {
      readAheadTimer = null;
      const batch = [...readAhead];
      readAhead.clear();
      // After this round's marks are applied; a failure leaves them marked (logins read them).
      reading = Promise.all([reading, flushing]).then(() => loader.readOpenSessions(batch)).catch((err: unknown) => {
        if (readAheadFailures.shouldLog('read-ahead')) log.warn({ err }, 'reading changed open sessions ahead failed; logins read them (logged once a minute)');
      });
    }, READ_AHEAD_MS);
    readAheadTimer.unref();
  }

  return {
    ...createReplicaLookups({ db, replica, loader, misses, log }),
    async start() {
      await listen.connect(); // listen first, so nothing committed during the load is missed
      await loader.loadAll();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (readAheadTimer) clearTimeout(readAheadTimer);
      await flushing.catch(() => {});
      await reading;
      await listen.end();
    },
    async settled() {
      // Every notification committed before the call has arrived after this round trip.
      await listen.roundTrip();
      while (timer || pending.full) await new Promise((r) => setTimeout(r, COALESCE_MS));
      await flushing;
    },
  };
}
