/**
 * The outbox dispatcher: sends due `notification_outbox` rows through their channel, then marks
 * each `sent`, puts it back for a later attempt, or marks it `failed`. The worker role calls
 * `dispatchDue()` on a schedule (every few seconds); several workers may run it at once.
 *
 * Claiming, and why sending happens outside any transaction:
 * - A claim is one autocommitted statement: pick the oldest due pending row with
 *   `FOR UPDATE SKIP LOCKED`, and in the same statement count the attempt and push its
 *   `next_attempt_at` one lease (default 5 minutes) into the future. Two workers therefore never
 *   claim the same row: the second skips the locked row, or, once the claim committed, no longer
 *   sees it as due. No row lock or connection is held while a provider is slow.
 * - Then the message is rendered and sent, and the row updated: `sent` (sent_at), `pending` with
 *   `next_attempt_at = now + 30 s × 2^(attempts before this one)`, capped at 1 h, or `failed`
 *   (a permanent refusal, an unconfigured channel, a broken template, or maxAttempts reached).
 *   That update only applies while the row is still ours (same attempt count).
 *
 * Delivery guarantee: at least once. If the process dies (or loses the database) after the
 * provider accepted a message and before the `sent` update, the lease expires and the row is
 * sent again. The window is the few milliseconds between the provider's answer and our UPDATE;
 * holding a row lock across the send would not close it (the rollback after a crash would
 * re-send just the same), and none of WhatsApp, Fonnte, SMS gateways or Telegram accept an
 * idempotency key that would let us close it. A lease much longer than a channel's timeout
 * (10 s by default) keeps a slow send from being picked up twice. A row claimed more than
 * maxAttempts times (every claim counts, including one cut short by a crash) fails without
 * another send.
 *
 * Logs: one info line per message sent (outbox id, template, channel, customer id, attempt,
 * provider id); never the recipient, the text or a token.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { ChannelName, Locale, NotificationChannel, SendResult } from './channel.js';
import { renderTemplate, type RenderedMessage, type TemplateOverrides } from './templates.js';

export interface DispatcherOptions {
  db: Knex;
  /** The configured channels; a row for a missing one fails at once. */
  channels: Partial<Record<ChannelName, NotificationChannel>>;
  clock: Clock;
  log: Logger;
  /** Attempts before a retryable failure becomes `failed` (default 8: about 1 h 4 min of retries). */
  maxAttempts?: number;
  /** Staff-edited templates, or a loader called once per dispatchDue (e.g. `() => loadTemplateOverrides(db)`). */
  templateOverrides?: TemplateOverrides | (() => Promise<TemplateOverrides>);
  /** Messages in flight at once per dispatcher (default 4). */
  concurrency?: number;
  /** How long a claimed row is hidden from other workers while it is sent, ms (default 5 min). Keep it well above the channels' timeouts. */
  leaseMs?: number;
}

export interface DispatchReport {
  sent: number;
  failed: number;
  retried: number;
}

export interface NotificationDispatcher {
  /**
   * Sends up to `limit` due rows and reports what happened to them. Resolves when none are left
   * to claim or the limit is reached. @throws on a database error (rows already claimed are
   * retried after their lease).
   */
  dispatchDue(limit?: number): Promise<DispatchReport>;
}

interface ClaimedRow {
  id: number;
  channel: ChannelName;
  recipient: string;
  customer_id: number | null;
  template: string;
  locale: Locale;
  payload: Record<string, unknown> | null;
  attempts: number;
}

const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 3_600_000;

/** Delay before the next attempt after `previousAttempts` failed ones had been made before this one: 30 s × 2^n, at most 1 h. */
export function retryDelayMs(previousAttempts: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, previousAttempts), MAX_DELAY_MS);
}

/** Creates a dispatcher; see the module comment for the claiming and delivery rules. */
export function createNotificationDispatcher(opts: DispatcherOptions): NotificationDispatcher {
  const { db, channels, clock, log } = opts;
  const maxAttempts = opts.maxAttempts ?? 8;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const leaseMs = opts.leaseMs ?? 5 * 60_000;

  async function claim(): Promise<ClaimedRow | undefined> {
    const now = clock.now();
    const res = (await db.raw(
      `UPDATE notification_outbox o
          SET attempts = o.attempts + 1, next_attempt_at = ?
         FROM (SELECT id FROM notification_outbox
                WHERE status = 'pending' AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id
                LIMIT 1
                FOR UPDATE SKIP LOCKED) due
        WHERE o.id = due.id
    RETURNING o.id, o.channel, o.recipient, o.customer_id, o.template, o.locale, o.payload, o.attempts`,
      [new Date(now.getTime() + leaseMs), now],
    )) as { rows: ClaimedRow[] };
    return res.rows[0];
  }

  /** Applies the outcome while the row is still ours; false when another worker took it over. */
  async function finish(row: ClaimedRow, patch: Record<string, unknown>): Promise<boolean> {
    const n = await db('notification_outbox').where({ id: row.id, status: 'pending', attempts: row.attempts }).update(patch);
    if (n === 0) log.warn({ outboxId: row.id, channel: row.channel, template: row.template }, 'notification row was taken over by another worker (lease expired)');
    return n > 0;
  }

  async function fail(row: ClaimedRow, error: string): Promise<'failed'> {
    await finish(row, { status: 'failed', last_error: error });
    log.warn({ outboxId: row.id, template: row.template, channel: row.channel, customerId: row.customer_id, attempt: row.attempts, error }, 'notification failed');
    return 'failed';
  }

  function render(row: ClaimedRow, params: Record<string, string>, overrides: TemplateOverrides | undefined): RenderedMessage {
    if (overrides) {
      try {
        return renderTemplate(row.template, row.locale, params, overrides);
      } catch (err) {
        // A broken staff edit must not silence every message of that template: use the file.
        log.warn({ outboxId: row.id, template: row.template, locale: row.locale, error: (err as Error).message }, 'edited template failed; using the default one');
      }
    }
    return renderTemplate(row.template, row.locale, params);
  }

  async function handle(row: ClaimedRow, overrides: TemplateOverrides | undefined): Promise<keyof DispatchReport> {
    const channel = channels[row.channel];
    if (!channel) return fail(row, `channel ${row.channel} is not configured on this server`);
    if (row.attempts > maxAttempts) return fail(row, `gave up after ${maxAttempts} attempts (the last one was interrupted)`);

    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(row.payload ?? {})) if (v !== null && v !== undefined) params[k] = String(v);

    let rendered: RenderedMessage;
    try {
      rendered = render(row, params, overrides);
    } catch (err) {
      return fail(row, `template: ${(err as Error).message}`);
    }

    let result: SendResult;
    try {
      result = await channel.send({ recipient: row.recipient, subject: rendered.subject, text: rendered.text, template: row.template, locale: row.locale, params });
    } catch (err) {
      // Channels report provider errors as values; a throw is a bug or an unexpected fault: retry.
      result = { ok: false, retryable: true, error: `${row.channel}: ${(err as Error).message}`.slice(0, 500) };
    }

    const now = clock.now();
    const ctx = { outboxId: row.id, template: row.template, channel: row.channel, customerId: row.customer_id, attempt: row.attempts };
    if (result.ok) {
      // provider_id: what the provider's delivery reports name the message by (billing/assistant/record-delivery-statuses.ts).
      await finish(row, { status: 'sent', sent_at: now, last_error: null, provider_id: result.providerId ?? null });
      log.info({ ...ctx, providerId: result.providerId }, 'notification sent');
      return 'sent';
    }
    if (!result.retryable) return fail(row, result.error);
    if (row.attempts >= maxAttempts) return fail(row, `${result.error} (gave up after ${row.attempts} attempts)`);

    const next = new Date(now.getTime() + retryDelayMs(row.attempts - 1));
    await finish(row, { next_attempt_at: next, last_error: result.error });
    log.warn({ ...ctx, error: result.error, nextAttemptAt: next.toISOString() }, 'notification not sent; will retry');
    return 'retried';
  }

  async function resolveOverrides(): Promise<TemplateOverrides | undefined> {
    const o = opts.templateOverrides;
    if (typeof o !== 'function') return o;
    try {
      return await o();
    } catch (err) {
      log.warn({ error: (err as Error).message }, 'could not load edited templates; using the defaults');
      return undefined;
    }
  }

  return {
    async dispatchDue(limit = 100) {
      const report: DispatchReport = { sent: 0, failed: 0, retried: 0 };
      const overrides = await resolveOverrides();
      let budget = limit;
      const loop = async (): Promise<void> => {
        while (budget > 0) {
          budget--;
          const row = await claim();
          if (!row) return;
          report[await handle(row, overrides)]++;
        }
      };
      const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, Math.max(limit, 0)) }, loop));
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (rejected) throw rejected.reason;
      return report;
    },
  };
}
