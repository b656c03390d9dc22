/**
 * What a billing use case (billing/<area>/<use-case>.ts) is given when the engine runs it
 * (`engine.run`, billing/engine/engine.ts): the database, the clock and the ISP's time zone, where to
 * tell customers (the notifier: outbox rows in the same transaction) and what to do after commit
 * (the effects: nas-control jobs, a nudge to the notification dispatcher). Here, below every use
 * case, so that use cases never import the engine that calls them (ARCHITECTURE.md, "Dependency rules").
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { Notifier } from '../notifications/notifier.js';
import type { EffectSink } from './effects.js';

export interface UseCaseDeps {
  db: Knex;
  clock: Clock;
  /** The ISP's time zone (billing dates), e.g. Asia/Jakarta. */
  timeZone: string;
  notifier: Notifier;
  effects: EffectSink;
  log: Logger;
  /** The signed pay link for an invoice (in messages). */
  payUrl(invoiceId: number): string;
}
