/**
 * The `alert-rules` job (network/jobs.ts, every minute): the threshold rules (./evaluate-rules.ts)
 * and the outage round (./outage-round.ts: open due outages, notices, SLA credits). The customer
 * side runs on a billing engine built once per container.
 */
import { createBillingEngine, type BillingEngine } from '../../billing/engine/engine.js';
import type { Container } from '../../lib/container.js';
import { evaluateThresholdRules } from './evaluate-rules.js';
import { runOutageRound, type OutageRoundResult } from './outage-round.js';
import { publishNetworkAlerts } from './publish.js';
import { loadAlertRules } from './rules.js';

const engines = new WeakMap<Container, BillingEngine>();

function engineFor(c: Container): BillingEngine {
  let e = engines.get(c);
  if (!e) {
    e = createBillingEngine(c);
    engines.set(c, e);
  }
  return e;
}

export async function runAlertRulesJob(c: Container, billing?: BillingEngine): Promise<{ alerts: number } & OutageRoundResult> {
  const rules = await loadAlertRules(c.db);
  const alerts = await evaluateThresholdRules(c.db, c.clock.now(), rules, c.config.RADIUS_INTERIM_INTERVAL);
  await publishNetworkAlerts({ redis: c.redis, log: c.log }, alerts);
  const round = await runOutageRound({ db: c.db, clock: c.clock, log: c.log, billing: billing ?? engineFor(c) });
  return { alerts: alerts.length, ...round };
}
