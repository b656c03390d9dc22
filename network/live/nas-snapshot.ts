/**
 * What the live dashboard (admin/network/live) shows per router, read once per refresh for every
 * open stream of the process (admin/network/live-hub.ts):
 * - online: open sessions (accounting_sessions with no stop_time) of the NAS, by nas_id, or by
 *   the NAS's address for a session accounting could not tie to a NAS row (read-only SQL; the
 *   partial indexes on open sessions keep it to the open rows);
 * - cpu: the latest `cpu_pct` sample of the device linked to the NAS (devices.nas_id), and
 *   traffic: the sum over its interfaces of each interface's latest `if_in_bps` / `if_out_bps`
 *   (bits per second; every routed packet enters through one interface and leaves through one,
 *   so the sums are the router's total throughput). Only samples newer than `since` count: no
 *   SNMP poll yet, or an old one, is "no data yet" (null), never a stale number.
 */
import type { Knex } from '../../lib/db.js';

export interface NasLive {
  nasId: number;
  name: string;
  ip: string;
  online: number;
  /** Percent 0-100, or null without a recent sample. */
  cpuPct: number | null;
  /** Bits per second summed over interfaces, or null without recent samples. */
  inBps: number | null;
  outBps: number | null;
  /** When the newest of those samples was taken, or null. */
  sampledAt: Date | null;
}

const ONLINE_SQL = `
  SELECT n.id, n.name, host(n.ip_address) AS ip, coalesce(o.online, 0)::int AS online
    FROM nas n
    LEFT JOIN (
      SELECT coalesce(s.nas_id, m.id) AS nas_id, count(*) AS online
        FROM accounting_sessions s
        LEFT JOIN nas m ON s.nas_id IS NULL AND m.ip_address = s.nas_ip_address
       WHERE s.stop_time IS NULL
       GROUP BY 1
    ) o ON o.nas_id = n.id
   ORDER BY n.name, n.id`;

// The latest sample per (NAS, metric, interface) since the cut-off (index device_samples_lookup).
const SAMPLES_SQL = `
  SELECT DISTINCT ON (d.nas_id, s.metric, s.interface_id) d.nas_id, s.metric, s.value, s.at
    FROM devices d
    JOIN device_samples s ON s.device_id = d.id
   WHERE d.nas_id IS NOT NULL
     AND s.metric IN ('cpu_pct', 'if_in_bps', 'if_out_bps')
     AND s.at > ?
   ORDER BY d.nas_id, s.metric, s.interface_id, s.at DESC`;

/** Every NAS with its online count and, when recent samples exist, CPU and traffic. */
export async function readNasSnapshot(db: Knex, since: Date): Promise<NasLive[]> {
  const [online, samples] = await Promise.all([
    db.raw(ONLINE_SQL),
    db.raw(SAMPLES_SQL, [since]),
  ]);
  const byNas = new Map<number, NasLive>();
  for (const r of online.rows as Array<{ id: string; name: string; ip: string; online: number }>) {
    byNas.set(Number(r.id), { nasId: Number(r.id), name: r.name, ip: r.ip, online: r.online, cpuPct: null, inBps: null, outBps: null, sampledAt: null });
  }
  for (const s of samples.rows as Array<{ nas_id: string; metric: string; value: number; at: Date }>) {
    const n = byNas.get(Number(s.nas_id));
    if (!n) continue;
    if (s.metric === 'cpu_pct') n.cpuPct = s.value;
    else if (s.metric === 'if_in_bps') n.inBps = (n.inBps ?? 0) + s.value;
    else n.outBps = (n.outBps ?? 0) + s.value;
    if (!n.sampledAt || s.at > n.sampledAt) n.sampledAt = s.at;
  }
  return [...byNas.values()];
}
