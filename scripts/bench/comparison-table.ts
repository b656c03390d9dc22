/**
 * The table `npm run bench:radius -- --compare-freeradius` prints: one row per phase and server
 * (req/s, p50, p99 in milliseconds, timeouts), then the ratios against the targets of issue 13:
 * Access-Request ≥ 1.3 × FreeRADIUS with its users in a files module, accounting (every response
 * after commit) ≥ 3 × FreeRADIUS with rlm_sql, each at 16 and at 128 requests in flight.
 */
import { percentile, type LoadResult } from './load-generator.js';

export type Phase = 'auth-16' | 'auth-128' | 'acct-16' | 'acct-128';
export type ServerName = 'ours' | 'freeradius-files' | 'freeradius-sql';

export interface Measurement { rate: number; p50: number; p99: number; timeouts: number; generatorCores: number }

/** Answered requests per second and the latency figures of one phase's LoadResult. */
export function measure(r: LoadResult, generatorCpuSeconds: number): Measurement {
  return {
    rate: r.answered / r.seconds,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    timeouts: r.timeouts,
    generatorCores: generatorCpuSeconds / r.seconds,
  };
}

export const TARGETS: Array<{ phase: Phase; against: ServerName; factor: number }> = [
  { phase: 'auth-16', against: 'freeradius-files', factor: 1.3 },
  { phase: 'auth-128', against: 'freeradius-files', factor: 1.3 },
  { phase: 'acct-16', against: 'freeradius-sql', factor: 3 },
  { phase: 'acct-128', against: 'freeradius-sql', factor: 3 },
];

const LABEL: Record<Phase, string> = {
  'auth-16': 'Access-Request, 16 in flight',
  'auth-128': 'Access-Request, 128 in flight',
  'acct-16': 'Accounting Start+Interim, 16 in flight',
  'acct-128': 'Accounting Start+Interim, 128 in flight',
};
const SERVER: Record<ServerName, string> = { ours: 'this server', 'freeradius-files': 'FreeRADIUS files', 'freeradius-sql': 'FreeRADIUS rlm_sql' };

/** The printed table; a missing measurement (phase not run for that server) shows as "-". */
export function comparisonTable(results: Map<string, Measurement>): string {
  const key = (p: Phase, s: ServerName): string => `${p}/${s}`;
  const lines = [`${'phase'.padEnd(40)} ${'server'.padEnd(20)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'timeouts'.padStart(9)} ${'gen cores'.padStart(9)}`];
  for (const p of Object.keys(LABEL) as Phase[]) {
    for (const s of Object.keys(SERVER) as ServerName[]) {
      const m = results.get(key(p, s));
      if (!m) continue;
      lines.push(`${LABEL[p].padEnd(40)} ${SERVER[s].padEnd(20)} ${Math.round(m.rate).toString().padStart(8)} ${m.p50.toFixed(2).padStart(8)} ${m.p99.toFixed(2).padStart(8)} ${String(m.timeouts).padStart(9)} ${m.generatorCores.toFixed(2).padStart(9)}`);
    }
  }
  lines.push('', `${'target'.padEnd(58)} ${'ratio'.padStart(6)}  verdict`);
  for (const t of TARGETS) {
    const ours = results.get(key(t.phase, 'ours'));
    const them = results.get(key(t.phase, t.against));
    const ratio = ours && them && them.rate > 0 ? ours.rate / them.rate : NaN;
    const verdict = Number.isNaN(ratio) ? 'not measured' : ratio >= t.factor ? 'met' : 'NOT met';
    lines.push(`${`${LABEL[t.phase]}: ≥ ${t.factor}x ${SERVER[t.against]}`.padEnd(58)} ${(Number.isNaN(ratio) ? '-' : `${ratio.toFixed(2)}x`).padStart(6)}  ${verdict}`);
  }
  return lines.join('\n') + '\n';
}
