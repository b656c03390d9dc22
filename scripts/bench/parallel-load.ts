/**
 * The load generator on several threads, for when one event loop cannot send faster than the
 * server under test answers (the comparison with FreeRADIUS must measure the servers, not us).
 * Each thread runs `runLoad` (scripts/bench/load-generator.ts) on its share of the sockets and
 * the in-flight budget; the results are merged (counts summed, latencies concatenated and sorted,
 * seconds the longest thread's).
 */
import { Worker } from 'node:worker_threads';
import { runLoad, type LoadOptions, type LoadResult } from './load-generator.js';

const WORKER_URL = new URL('./load-worker.ts', import.meta.url).href;
const BOOT = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL)}); })`;

/**
 * Runs `opts` on `threads` worker threads (1: in this thread).
 * @throws Error when there are fewer packet sets (sockets) than threads, or a thread fails.
 */
export async function runLoadParallel(opts: LoadOptions, threads: number): Promise<LoadResult> {
  if (threads <= 1) return runLoad(opts);
  if (opts.packets.length < threads) throw new Error(`${threads} generator threads need at least as many sockets (got ${opts.packets.length})`);
  const shares = Array.from({ length: threads }, (_, t) => opts.packets.filter((_, s) => s % threads === t));
  const results = await Promise.all(
    shares.map((packets, t) => {
      const share: LoadOptions = {
        ...opts,
        packets,
        concurrency: opts.concurrency ? Math.floor(opts.concurrency / threads) + (t < opts.concurrency % threads ? 1 : 0) : undefined,
        rate: opts.rate ? opts.rate / threads : undefined,
      };
      return new Promise<LoadResult>((resolve, reject) => {
        // A worker does not get tsx's loader hooks on Node 20 (neither inherited nor by execArgv):
        // it registers them itself (tsx/esm/api), then loads the TypeScript worker.
        const worker = new Worker(BOOT, { eval: true, workerData: share });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => { if (code !== 0) reject(new Error(`generator thread exited with ${code}`)); });
      });
    }),
  );
  return mergeResults(results);
}

/** Sums the counts of several threads' results and merges their sorted latencies. */
export function mergeResults(results: LoadResult[]): LoadResult {
  const all = new Float64Array(results.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of results) { all.set(r.latencies, at); at += r.latencies.length; }
  const slow: number[] = [];
  for (const r of results) r.slowPerSecond.forEach((n, i) => { slow[i] = (slow[i] ?? 0) + n; });
  const worst: number[] = [];
  for (const r of results) r.worstPerSecond.forEach((ms, i) => { worst[i] = Math.max(worst[i] ?? 0, ms); });
  return {
    sent: results.reduce((n, r) => n + r.sent, 0),
    answered: results.reduce((n, r) => n + r.answered, 0),
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
    late: results.reduce((n, r) => n + r.late, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
    latencies: all.sort(),
    slowPerSecond: Array.from(slow, (n) => n ?? 0),
    worstPerSecond: Array.from(worst, (n) => n ?? 0),
  };
}
