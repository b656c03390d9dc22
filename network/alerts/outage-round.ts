/**
 * One round of outage work (run by the `alert-rules` job every minute, see ../jobs.ts): open the
 * outages that are due (./outages.ts), queue their start notices, and for outages that ended
 * (handleDeviceChanges stamps ended_at) queue the end notices and write the SLA credits, then mark
 * the outage settled. Each step is idempotent on its own (idempotency keys, credited_at), and the
 * marks only save work, so a round that fails half-way is finished by the next.
 * Billing does the customer side through its use cases (billing/outages/queue-outage-notices.ts,
 * billing/ledger/credit-outage.ts), run on the billing engine.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { formatRupiah } from '../../lib/money.js';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { creditOutage } from '../../billing/ledger/credit-outage.js';
import { queueOutageNotices } from '../../billing/outages/queue-outage-notices.js';
import type { UseCaseDeps } from '../../billing/use-case/use-case-deps.js';
import { openDueOutages } from './outages.js';
import { loadAlertRules } from './rules.js';

/** Runs a billing use case (a BillingEngine fits: billing/engine/engine.ts `run`). */
export interface BillingRunner {
  run<T>(fn: (deps: UseCaseDeps) => Promise<T>): Promise<T>;
}

export interface OutageRoundResult {
  opened: number;
  noticed: number;
  settled: number;
  /** Rupiah credited in this round. */
  credited: number;
}

export async function runOutageRound(deps: { db: Knex; clock: Clock; log?: Logger; billing: BillingRunner }): Promise<OutageRoundResult> {
  const { db } = deps;
  const rules = await loadAlertRules(db);
  const opened = await openDueOutages(db, deps.clock.now(), rules.outageAfterMinutes);

  const toNotice: string[] = await db('outages').whereNull('notices_started_at').orderBy('id').pluck('id');
  for (const id of toNotice.map(Number)) {
    await deps.billing.run((b) => queueOutageNotices(b, id, 'started'));
    await db('outages').where({ id }).update({ notices_started_at: deps.clock.now() });
  }

  const ended: Array<{ id: string; device_id: string; started_at: Date; ended_at: Date }> = await db('outages')
    .whereNotNull('ended_at').whereNull('settled_at').whereNotNull('notices_started_at').orderBy('id')
    .select('id', 'device_id', 'started_at', 'ended_at');
  let credited = 0;
  for (const o of ended) {
    const id = Number(o.id);
    await deps.billing.run((b) => queueOutageNotices(b, id, 'ended'));
    const credits = await deps.billing.run((b) => creditOutage(b, id));
    const sum = credits.reduce((s, c) => s + c.amount, 0);
    credited += sum;
    await db.transaction(async (trx) => {
      await trx('outages').where({ id }).update({ settled_at: deps.clock.now() });
      const name = (await trx('devices').where({ id: o.device_id }).first('name'))?.name ?? `#${o.device_id}`;
      const hours = ((new Date(o.ended_at).getTime() - new Date(o.started_at).getTime()) / 3_600_000).toFixed(1);
      await raiseStaffAlerts(trx, [{
        kind: 'outage_ended',
        key: `outage_ended:${id}`,
        message: `Outage over: ${name} was down ${hours} h; SLA credits: ${formatRupiah(sum)}`,
        details: { outageId: id, deviceId: Number(o.device_id), hours: Number(hours), credited: sum },
      }]);
    });
  }
  const result = { opened: opened.length, noticed: toNotice.length, settled: ended.length, credited };
  if (opened.length || toNotice.length || ended.length) deps.log?.info(result, 'outage round');
  return result;
}
