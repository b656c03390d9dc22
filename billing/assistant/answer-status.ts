/**
 * "status": the chosen subscription as the customer experiences it, first match wins:
 * terminated; suspended (isolir) or soft-limited for an unpaid bill; an open outage covering it
 * (outage_subscriptions of an outage with no end, network/alerts/ writes them; billing reads them
 * with SQL as billing/dunning/outage-pause.ts does: ARCHITECTURE.md, "Dependency rules"); online
 * (an open accounting session, `stop_time IS NULL`: the open partition, ARCHITECTURE.md
 * "Accounting partitions"); else active but offline.
 */
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import type { SenderSubscription } from './identify-sender.js';
import { localDateTime, say } from './say.js';

export async function answerStatus(deps: { db: Knex | Knex.Transaction; timeZone: string }, sub: SenderSubscription, locale: Locale): Promise<string> {
  const { db } = deps;
  const username = sub.username;
  const status = (await db('subscriptions').where({ id: sub.id }).first('status'))?.status ?? sub.status;
  if (status === 'terminated' || status === 'suspended' || status === 'soft_limited') return say(locale, `status.${status}`, { username });
  const outage = await db('outage_subscriptions as os').join('outages as o', 'o.id', 'os.outage_id')
    .where('os.subscription_id', sub.id).whereNull('o.ended_at').orderBy('o.started_at').first('o.started_at');
  if (outage) return say(locale, 'status.outage', { username, since: localDateTime(new Date(outage.started_at), locale, deps.timeZone) });
  const session = await db('accounting_sessions').where({ subscription_id: sub.id }).whereNull('stop_time').orderBy('start_time', 'desc').first('start_time');
  if (session) return say(locale, 'status.online', { username, since: localDateTime(new Date(session.start_time), locale, deps.timeZone) });
  return say(locale, 'status.offline', { username });
}
