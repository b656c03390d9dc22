/**
 * `npm run bench:radius` (without --only), last phase: Access-Request latency while accounting runs
 * at capacity (issue 13, item 1). Interim-Updates with `concurrency` in flight come from two
 * generator threads (parallel-load.ts); meanwhile this thread sends Access-Requests at 1,000/s,
 * whose latency is what a subscriber logging in during the flood sees.
 */
import { percentile, type LoadOptions, type LoadResult, type PacketSet } from './load-generator.js';
import { runLoadParallel } from './parallel-load.js';

export interface FloodPhaseOptions {
  /** bench-radius.ts's measured phase: runs the load, prints its line, returns the result. */
  phase(name: string, opts: LoadOptions): Promise<LoadResult>;
  seconds: number;
  /** Interim-Updates in flight. */
  concurrency: number;
  /** Interim-Updates for sessions already open (one PacketSet per socket). */
  acct: { port: number; packets: PacketSet[] };
  /** Access-Requests, at least 1,000 × seconds of them. */
  auth: { port: number; packets: PacketSet[] };
}

export async function floodPhase(o: FloodPhaseOptions): Promise<void> {
  const flood = runLoadParallel({ host: '127.0.0.1', port: o.acct.port, packets: o.acct.packets, durationMs: o.seconds * 1000 + 1000, concurrency: o.concurrency }, 2);
  await new Promise((r) => setTimeout(r, 500)); // the flood reaches capacity first
  await o.phase('Access-Request at 1000/s, in the flood', { host: '127.0.0.1', port: o.auth.port, packets: o.auth.packets, durationMs: o.seconds * 1000, rate: 1000 });
  const f = await flood;
  const perSecond = Math.round(f.answered / f.seconds).toString().padStart(7);
  process.stdout.write(`${'  the flood: Interim-Updates'.padEnd(34)} ${perSecond} req/s  p99 ${percentile(f.latencies, 99).toFixed(2).padStart(8)} ms  timeouts ${f.timeouts}\n`);
}
