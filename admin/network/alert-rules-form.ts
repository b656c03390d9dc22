/**
 * The alert rules form (/admin/network/alert-rules): form values to AlertRules with per-field
 * errors (ranges as the table's CHECKs: migrations/20261207001400_network_alerts.ts), and the save,
 * audited with before and after.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import { loadAlertRules, saveAlertRules, type AlertRules } from '../../network/alerts/rules.js';

type Values = Record<string, string>;

/** What the form shows for `rules` (empty threshold = off; checkboxes '1' or ''). */
export function rulesFormValues(r: AlertRules): Values {
  return {
    missed_probes_down: String(r.missedProbesDown), interface_down: r.interfaceDown ? '1' : '',
    utilisation_pct: r.utilisationPct === null ? '' : String(r.utilisationPct), utilisation_minutes: String(r.utilisationMinutes),
    cpu_pct: r.cpuPct === null ? '' : String(r.cpuPct), cpu_minutes: String(r.cpuMinutes),
    nas_silent: r.nasSilent ? '1' : '', outage_after_minutes: String(r.outageAfterMinutes),
  };
}

/** Validates the posted form: errors by field name (text keys `alert_rules.error.range`). */
export function parseAlertRules(body: Values): { ok: true; rules: AlertRules } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const int = (name: string, min: number, max: number, optional = false): number | null => {
    const v = (body[name] ?? '').trim();
    if (v === '' && optional) return null;
    const n = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
    if (!(n >= min && n <= max)) {
      errors[name] = 'alert_rules.error.range';
      return null;
    }
    return n;
  };
  const rules: AlertRules = {
    missedProbesDown: int('missed_probes_down', 1, 100) ?? 0,
    interfaceDown: body.interface_down === '1',
    utilisationPct: int('utilisation_pct', 1, 100, true),
    utilisationMinutes: int('utilisation_minutes', 1, 1440) ?? 0,
    cpuPct: int('cpu_pct', 1, 100, true),
    cpuMinutes: int('cpu_minutes', 1, 1440) ?? 0,
    nasSilent: body.nas_silent === '1',
    outageAfterMinutes: int('outage_after_minutes', 1, 1440) ?? 0,
  };
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, rules };
}

export async function saveAlertRulesAudited(db: Knex, rules: AlertRules, actor: AuditActor): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await loadAlertRules(trx);
    await saveAlertRules(trx, rules);
    await recordAudit(trx, actor, { action: 'network_alert_rules_updated', objectType: 'network_alert_rules', objectId: 1, before: { ...before }, after: { ...rules } });
  });
}
