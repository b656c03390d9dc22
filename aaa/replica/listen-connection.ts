/**
 * The replica's dedicated LISTEN connection to PostgreSQL (its own pg.Client, not the pool): LISTEN
 * on the change channels, hand each notification on, and reconnect with growing delays (0.5 s
 * doubling to 10 s) when it drops. Notifications sent while it was down are lost to us, so the
 * caller reloads everything after a reconnect (`onReconnected`).
 */
import pg from 'pg';
import type { Logger } from '../../lib/logger.js';
import { CHANNELS } from './pending-changes.js';

export interface ListenConnectionDeps {
  /** Connection URL for the LISTEN connection. */
  databaseUrl: string;
  log: Logger;
  onNotification(channel: string, payload: string): void;
  /** Called after a lost connection is back (and listening again). */
  onReconnected(): void;
  /** True once the owner is stopping: no reconnect from then on. */
  stopped(): boolean;
}

export interface ListenConnection {
  /** Connects and LISTENs; rejects when the database cannot be reached. */
  connect(): Promise<void>;
  /**
   * One round trip on the listening connection. PostgreSQL delivers the notifications committed
   * so far before the reply to a query on that connection, so when it resolves they have all
   * been received. One query at a time (pg queues concurrent ones but deprecates it): each
   * caller's round trip starts after its call, behind any already in flight.
   */
  roundTrip(): Promise<void>;
  /** Ends the connection (call after `stopped()` turned true). */
  end(): Promise<void>;
}

export function createListenConnection(deps: ListenConnectionDeps): ListenConnection {
  const { log } = deps;
  let client: pg.Client | null = null;
  let probes: Promise<unknown> = Promise.resolve();
  let reconnectDelay = 500;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: deps.databaseUrl, application_name: 'isp radius listen' });
    c.on('notification', (msg) => deps.onNotification(msg.channel, msg.payload ?? ''));
    c.on('error', (err) => {
      log.warn({ err: err.message }, 'replica LISTEN connection error');
    });
    c.on('end', () => {
      if (client === c) client = null;
      if (!deps.stopped()) {
        log.warn('replica LISTEN connection lost; reconnecting');
        setTimeout(() => void reconnect(), reconnectDelay).unref();
      }
    });
    await c.connect();
    for (const ch of CHANNELS) await c.query(`LISTEN ${ch}`);
    client = c;
  }

  async function reconnect(): Promise<void> {
    if (deps.stopped() || client) return;
    try {
      await connect();
      reconnectDelay = 500;
      deps.onReconnected();
    } catch (err) {
      reconnectDelay = Math.min(reconnectDelay * 2, 10_000);
      log.warn({ err: (err as Error).message, retryMs: reconnectDelay }, 'replica LISTEN reconnect failed');
      setTimeout(() => void reconnect(), reconnectDelay).unref();
    }
  }

  return {
    connect,
    async roundTrip() {
      const roundTrip = probes.then(() => client?.query('SELECT 1'));
      probes = roundTrip.catch(() => undefined);
      await roundTrip;
    },
    async end() {
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
