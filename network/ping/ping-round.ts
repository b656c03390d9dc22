/**
 * One ping round (issue 12, item 2; scheduled every 60 s by network/jobs.ts): every device with
 * probe_ping and an address is probed by one fping run (./run-fping.ts), its state moves through
 * flap damping (./flap-damping.ts) and is saved in device_state, and the round's samples go to
 * device_samples: `rtt_ms` (mean of the replies, only when some came back), `loss_pct` (0–100) and
 * `up` (1 when the device answered this round, else 0: its 5-minute mean is the availability).
 * The state changes go to the alerts (network/alerts/device-changes.ts), except a new device's
 * first answer (unknown → up).
 */
import type { Clock } from '../../lib/clock.js';
import type { Container } from '../../lib/container.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { handleDeviceChanges } from '../alerts/device-changes.js';
import { loadAlertRules } from '../alerts/rules.js';
import { recordSamples, type Sample } from '../history/record-samples.js';
import { dampen, DEFAULT_DAMPING, unknownMemory, type DampingRules, type DeviceState, type DeviceStateChange, type ProbeMemory } from './flap-damping.js';
import { summarizeProbes } from './fping-output.js';
import { DEFAULT_FPING, FpingMissingError, runFping, type FpingOptions, type FpingRun } from './run-fping.js';

export interface PingDeps {
  db: Knex;
  clock: Clock;
  log?: Logger;
}

export interface PingOptions {
  fping?: FpingOptions;
  /** Default: DEFAULT_DAMPING with `downAfter` from the console's alert rules (missed_probes_down). */
  damping?: DampingRules;
}

export interface PingRoundResult {
  targets: number;
  alive: number;
  changes: DeviceStateChange[];
  /** Wall-clock milliseconds of the fping run. */
  fpingMs: number;
}

interface TargetRow {
  id: string;
  address: string;
  state: DeviceState | null;
  since: Date | null;
  consecutive_misses: number | null;
  consecutive_hits: number | null;
}

async function loadTargets(db: Knex): Promise<TargetRow[]> {
  const { rows } = await db.raw<{ rows: TargetRow[] }>(
    `SELECT d.id, host(d.address) AS address, s.state, s.since, s.consecutive_misses, s.consecutive_hits
       FROM devices d LEFT JOIN device_state s ON s.device_id = d.id
      WHERE d.probe_ping AND d.address IS NOT NULL
      ORDER BY d.id`,
  );
  return rows;
}

/** Upserts device_state for the round, one statement. */
async function saveStates(db: Knex, rows: Array<{ deviceId: number; memory: ProbeMemory; at: Date; alive: boolean; rttMs: number | null; lossPct: number }>): Promise<void> {
  if (rows.length === 0) return;
  await db.raw(
    `INSERT INTO device_state AS s (device_id, state, since, last_probe_at, last_up_at, consecutive_misses, consecutive_hits, rtt_ms, loss_pct)
     SELECT device_id, state, since, at, CASE WHEN alive THEN at END, misses, hits, rtt_ms, loss_pct
       FROM jsonb_to_recordset(?::jsonb) AS r(device_id bigint, state text, since timestamptz, at timestamptz, alive boolean,
                                             misses integer, hits integer, rtt_ms real, loss_pct real)
     ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, last_probe_at = EXCLUDED.last_probe_at,
       last_up_at = COALESCE(EXCLUDED.last_up_at, s.last_up_at), consecutive_misses = EXCLUDED.consecutive_misses,
       consecutive_hits = EXCLUDED.consecutive_hits, rtt_ms = EXCLUDED.rtt_ms, loss_pct = EXCLUDED.loss_pct`,
    [
      JSON.stringify(
        rows.map((r) => ({
          device_id: r.deviceId, state: r.memory.state, since: r.memory.since.toISOString(), at: r.at.toISOString(), alive: r.alive,
          misses: r.memory.misses, hits: r.memory.hits, rtt_ms: r.rttMs, loss_pct: r.lossPct,
        })),
      ),
    ],
  );
}

/**
 * Probes every target once and saves what it saw. Returns the state changes after flap damping
 * (not yet handed to the alerts: runPingRound does that). Errors: FpingMissingError, or fping
 * failing (./run-fping.ts); nothing is written then.
 */
export async function pingRound(deps: PingDeps, opts: PingOptions = {}): Promise<PingRoundResult> {
  const fpingOpts = opts.fping ?? DEFAULT_FPING;
  const damping = opts.damping ?? { ...DEFAULT_DAMPING, downAfter: (await loadAlertRules(deps.db)).missedProbesDown };
  const targets = await loadTargets(deps.db);
  const started = Date.now();
  const run: FpingRun = await runFping([...new Set(targets.map((t) => t.address))], fpingOpts);
  const fpingMs = Date.now() - started;
  const at = deps.clock.now();

  const states: Parameters<typeof saveStates>[1] = [];
  const samples: Sample[] = [];
  const changes: DeviceStateChange[] = [];
  let alive = 0;
  for (const t of targets) {
    const deviceId = Number(t.id);
    const summary = summarizeProbes(run.results.get(t.address), fpingOpts.count);
    const prev: ProbeMemory = t.state
      ? { state: t.state, since: new Date(t.since ?? at), misses: t.consecutive_misses ?? 0, hits: t.consecutive_hits ?? 0 }
      : unknownMemory(at);
    const memory = dampen(prev, summary.alive, at, damping);
    if (memory.state !== prev.state && memory.state !== 'unknown') changes.push({ deviceId, from: prev.state, to: memory.state, at });
    if (summary.alive) alive++;
    states.push({ deviceId, memory, at, alive: summary.alive, rttMs: summary.rttMs, lossPct: summary.lossPct });
    if (summary.rttMs !== null) samples.push({ deviceId, metric: 'rtt_ms', at, value: summary.rttMs });
    samples.push({ deviceId, metric: 'loss_pct', at, value: summary.lossPct }, { deviceId, metric: 'up', at, value: summary.alive ? 1 : 0 });
  }
  await saveStates(deps.db, states);
  await recordSamples(deps.db, samples);
  return { targets: targets.length, alive, changes, fpingMs };
}

/**
 * The scheduled job: a ping round, then its state changes to the alerts. A missing fping is
 * logged once per process (an error naming the package to install) and the round is skipped.
 */
let fpingMissingLogged = false;

export async function runPingRound(c: Container, opts: PingOptions = {}): Promise<Omit<PingRoundResult, 'changes'> & { changes: number } | { skipped: string }> {
  let result: PingRoundResult;
  try {
    result = await pingRound(c, opts);
  } catch (err) {
    if (!(err instanceof FpingMissingError)) throw err;
    if (!fpingMissingLogged) c.log.error({ err: err.message }, 'ping rounds are off');
    fpingMissingLogged = true;
    return { skipped: err.message };
  }
  // A device seen for the first time answering is not news (the first round would raise one "up
  // again" per device); a new device that never answers is.
  const news = result.changes.filter((ch) => !(ch.from === 'unknown' && ch.to === 'up'));
  if (news.length) await handleDeviceChanges(c, news);
  return { ...result, changes: result.changes.length };
}
