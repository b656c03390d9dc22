/**
 * The threshold rules, evaluated each minute by the `alert-rules` job over the recent samples
 * (device_samples; metrics as network/snmp/ writes them) and accounting:
 * - high CPU: every cpu_pct sample of a device in the last `cpuMinutes` at or over `cpuPct`
 *   (at least two samples);
 * - utilisation: every if_in_bps (or every if_out_bps) sample of an interface in the last
 *   `utilisationMinutes` at or over `utilisationPct` % of its speed_bps;
 * - NAS silent: an active NAS with open sessions whose newest accounting (accounting_sessions.
 *   update_time, aaa's table, read here and never written) is older than two interim intervals
 *   (RADIUS_INTERIM_INTERVAL; RFC 2869 §5.16 Acct-Interim-Interval).
 * Keys: high CPU and utilisation once per device / interface and hour while the condition holds;
 * NAS silent once per silence (the key holds the last update time).
 */
import type { Knex } from '../../lib/db.js';
import { raiseStaffAlerts, type StaffAlert } from '../../lib/staff-alerts.js';
import type { AlertRules } from './rules.js';

const hourKey = (now: Date): string => now.toISOString().slice(0, 13);

export async function evaluateThresholdRules(db: Knex, now: Date, rules: AlertRules, interimIntervalS: number): Promise<StaffAlert[]> {
  const alerts: StaffAlert[] = [];
  if (rules.cpuPct !== null) {
    const { rows } = await db.raw<{ rows: Array<{ device_id: string; name: string; low: number }> }>(
      `SELECT s.device_id, d.name, min(s.value) AS low
         FROM device_samples s JOIN devices d ON d.id = s.device_id
        WHERE s.metric = 'cpu_pct' AND s.interface_id = 0 AND s.at > ? AND s.at <= ?
        GROUP BY s.device_id, d.name
       HAVING count(*) >= 2 AND min(s.value) >= ?`,
      [new Date(now.getTime() - rules.cpuMinutes * 60_000), now, rules.cpuPct],
    );
    for (const r of rows) {
      alerts.push({
        kind: 'high_cpu', key: `high_cpu:${r.device_id}:${hourKey(now)}`,
        message: `${r.name}: CPU at or over ${rules.cpuPct}% for ${rules.cpuMinutes} min (lowest ${Math.round(r.low)}%)`,
        details: { deviceId: Number(r.device_id), thresholdPct: rules.cpuPct, minutes: rules.cpuMinutes, lowestPct: r.low },
      });
    }
  }
  if (rules.utilisationPct !== null) {
    const { rows } = await db.raw<{ rows: Array<{ interface_id: string; device_id: string; device_name: string; if_name: string; metric: string; low: number; speed_bps: string }> }>(
      `SELECT s.interface_id, s.device_id, d.name AS device_name, i.name AS if_name, s.metric, min(s.value) AS low, i.speed_bps
         FROM device_samples s
         JOIN device_interfaces i ON i.id = s.interface_id
         JOIN devices d ON d.id = s.device_id
        WHERE s.metric IN ('if_in_bps', 'if_out_bps') AND s.at > ? AND s.at <= ? AND i.speed_bps > 0
        GROUP BY s.interface_id, s.device_id, d.name, i.name, s.metric, i.speed_bps
       HAVING count(*) >= 2 AND min(s.value) >= i.speed_bps * ?::float8 / 100`,
      [new Date(now.getTime() - rules.utilisationMinutes * 60_000), now, rules.utilisationPct],
    );
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.interface_id)) continue;
      seen.add(r.interface_id);
      alerts.push({
        kind: 'high_utilisation', key: `high_utilisation:${r.interface_id}:${hourKey(now)}`,
        message: `${r.device_name} ${r.if_name}: ${r.metric === 'if_in_bps' ? 'inbound' : 'outbound'} traffic at or over ${rules.utilisationPct}% of its speed for ${rules.utilisationMinutes} min`,
        details: { deviceId: Number(r.device_id), interfaceId: Number(r.interface_id), metric: r.metric, lowestBps: r.low, speedBps: Number(r.speed_bps) },
      });
    }
  }
  if (rules.nasSilent) {
    const { rows } = await db.raw<{ rows: Array<{ id: string; name: string; last: Date }> }>(
      `SELECT n.id, n.name, max(a.update_time) AS last
         FROM nas n JOIN accounting_sessions a ON a.nas_id = n.id AND a.stop_time IS NULL
        WHERE n.is_active
        GROUP BY n.id, n.name
       HAVING max(a.update_time) < ?`,
      [new Date(now.getTime() - 2 * interimIntervalS * 1000)],
    );
    for (const r of rows) {
      const last = new Date(r.last);
      alerts.push({
        kind: 'nas_silent', key: `nas_silent:${r.id}:${last.getTime()}`,
        message: `NAS ${r.name} has sent no accounting since ${last.toISOString()} (two interim intervals of ${interimIntervalS} s)`,
        details: { nasId: Number(r.id), lastAccountingAt: last.toISOString(), interimIntervalS },
      });
    }
  }
  await raiseStaffAlerts(db, alerts);
  return alerts;
}
