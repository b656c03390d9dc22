/**
 * The customers' notices of a network outage (issue 12, item 8): one `outage_started` message per
 * affected customer when it opens and one `outage_ended` when it ends, through the notification
 * outbox (WhatsApp, else SMS, and e-mail: outbox-notifier.ts). Reads network's outage tables with
 * SQL (migrations/20261207001400_network_alerts.ts; billing never imports network/). The
 * idempotency key `outage_<phase>:<outage id>:<customer id>` makes a repeated call queue nothing,
 * and a customer with several affected subscriptions gets one message.
 */
import type { Knex } from '../../lib/db.js';
import type { CustomerMessage, Notifier } from '../notifications/notifier.js';
import type { Effects } from '../use-case/effects.js';

export type OutagePhase = 'started' | 'ended';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `at` as local date and time `YYYY-MM-DDTHH:mm` in `timeZone` (what CustomerMessage.data.since expects). */
export function localDateTime(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * Queues the `phase` notice of outage `outageId` for each customer with a subscription in it.
 * An `ended` notice for an outage still open queues nothing.
 * @returns the number of outbox rows created (0 on a repeat)
 */
export async function queueOutageNotices(
  deps: { db: Knex; timeZone: string; notifier: Notifier; effects: Effects },
  outageId: number,
  phase: OutagePhase,
): Promise<number> {
  return deps.effects.transaction(deps.db, async (trx) => {
    const outage = await trx('outages').where({ id: outageId }).first('started_at', 'ended_at');
    if (!outage || (phase === 'ended' && !outage.ended_at)) return 0;
    const rows: Array<{ customer_id: string; plan_name: string }> = await trx('outage_subscriptions as os')
      .join('subscriptions as s', 's.id', 'os.subscription_id')
      .join('plans as p', 'p.id', 's.plan_id')
      .where('os.outage_id', outageId)
      .orderBy([{ column: 's.customer_id' }, { column: 's.id' }])
      .select('s.customer_id', 'p.name as plan_name');
    const seen = new Set<number>();
    const messages: CustomerMessage[] = [];
    for (const r of rows) {
      const customerId = Number(r.customer_id);
      if (seen.has(customerId)) continue;
      seen.add(customerId);
      messages.push({
        customerId,
        template: phase === 'started' ? 'outage_started' : 'outage_ended',
        idempotencyKey: `outage_${phase}:${outageId}:${customerId}`,
        data: {
          planName: r.plan_name,
          since: localDateTime(new Date(outage.started_at), deps.timeZone),
          ...(phase === 'ended' ? { until: localDateTime(new Date(outage.ended_at), deps.timeZone) } : {}),
        },
      });
    }
    const queued = messages.length > 0 ? await deps.notifier.customers(trx, messages) : 0;
    if (queued > 0) deps.effects.notificationsQueued();
    return queued;
  });
}
