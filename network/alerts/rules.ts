/**
 * The alert rules staff edit in the console (network_alert_rules, one row;
 * migrations/20261207001400_network_alerts.ts). The prober reads `missedProbesDown` for its flap
 * damping; thresholds that are null are off.
 */
import type { Knex } from '../../lib/db.js';

export interface AlertRules {
  /** Consecutive missed probes before a device counts as down. */
  missedProbesDown: number;
  /** Raise an alert when an interface's ifOperStatus goes down. */
  interfaceDown: boolean;
  /** Interface utilisation (% of speed_bps, in or out) that raises an alert when held for `utilisationMinutes`; null: off. */
  utilisationPct: number | null;
  utilisationMinutes: number;
  /** CPU % (cpu_pct samples) that raises an alert when held for `cpuMinutes`; null: off. */
  cpuPct: number | null;
  cpuMinutes: number;
  /** Raise an alert when a NAS sends no accounting for two interim intervals. */
  nasSilent: boolean;
  /** Minutes a device is down before an outage opens for the subscriptions behind it. */
  outageAfterMinutes: number;
}

export const DEFAULT_ALERT_RULES: AlertRules = {
  missedProbesDown: 3, interfaceDown: true, utilisationPct: 90, utilisationMinutes: 15, cpuPct: 90, cpuMinutes: 10, nasSilent: true, outageAfterMinutes: 15,
};

/** The rules as stored (the defaults if the row is missing). */
export async function loadAlertRules(db: Knex | Knex.Transaction): Promise<AlertRules> {
  const r = await db('network_alert_rules').first();
  if (!r) return DEFAULT_ALERT_RULES;
  return {
    missedProbesDown: r.missed_probes_down, interfaceDown: r.interface_down,
    utilisationPct: r.utilisation_pct, utilisationMinutes: r.utilisation_minutes,
    cpuPct: r.cpu_pct, cpuMinutes: r.cpu_minutes, nasSilent: r.nas_silent, outageAfterMinutes: r.outage_after_minutes,
  };
}

/** Saves the rules (the console's form, validated there). */
export async function saveAlertRules(db: Knex | Knex.Transaction, rules: AlertRules): Promise<void> {
  const row = {
    missed_probes_down: rules.missedProbesDown, interface_down: rules.interfaceDown,
    utilisation_pct: rules.utilisationPct, utilisation_minutes: rules.utilisationMinutes,
    cpu_pct: rules.cpuPct, cpu_minutes: rules.cpuMinutes, nas_silent: rules.nasSilent, outage_after_minutes: rules.outageAfterMinutes,
  };
  await db('network_alert_rules').insert({ id: true, ...row }).onConflict('id').merge({ ...row, version: db.raw('network_alert_rules.version + 1') });
}
