/**
 * `npm run bench:monitoring [-- --devices 1000 --rounds 3 --keep]`
 *
 * Creates N devices on loopback addresses (127.0.0.1, 127.0.0.2, … 127.0.x.y: Linux answers the
 * whole 127/8 on `lo`) in a scratch database `isp_bench_monitoring` beside the configured one
 * (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR), then runs ping rounds as the worker
 * does every 60 s (network/ping/ping-round.ts: one fping over all targets, flap damping,
 * device_state upsert, samples insert) and prints, per round, the wall-clock seconds and the CPU
 * seconds used by this process and by the fping child (cutime + cstime of /proc/self/stat: the
 * CPU of reaped children), and the share of one core that is over a 60 s interval (target < 10 %).
 * PostgreSQL's own CPU is not counted. Needs fping on the PATH (Debian package `fping`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { maintainSamplePartitions } from '../network/history/maintain-partitions.js';
import { pingRound } from '../network/ping/ping-round.js';
import { openScratch } from './bench-scratch.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.devices);
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(N) || N < 1 || N > 250 * 254) throw new Error('--devices must be an integer from 1 to 63500');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');
const BENCH_DB = 'isp_bench_monitoring';
const INTERVAL_S = 60;

const config = loadConfig({ ...process.env, QUEUE_PREFIX: `bench-monitoring-${process.pid}`, LOG_LEVEL: 'warn' });
const log = createLogger('warn', { script: 'bench:monitoring' }, config.LOG_FORMAT);
const say = (msg: string): void => void process.stdout.write(`${msg}\n`);

const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** CPU seconds of the reaped children of this process (fields 16 cutime and 17 cstime, proc(5)). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}
const selfCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The i-th loopback address, i from 0: 127.0.0.1 … 127.0.0.254, 127.0.1.1 … */
const loopback = (i: number): string => `127.0.${Math.floor(i / 254)}.${(i % 254) + 1}`;

const scratch = await openScratch({ config, log, name: BENCH_DB, clockStart: new Date().toISOString() });
const { c, clock } = scratch;
try {
  await migrateLatest(c.db);
  await maintainSamplePartitions(c.db, clock.now());
  await c.db.raw(
    `INSERT INTO devices (kind, name, address) SELECT 'cpe', 'bench-' || i, ('127.0.' || (i / 254) || '.' || (i % 254 + 1))::inet
       FROM generate_series(0, ?::int - 1) AS i`,
    [N],
  );
  say(`${N} devices on ${loopback(0)} … ${loopback(N - 1)}; ${ROUNDS} ping rounds (fping -C 3 -p 20 -t 500 -i 1)`);
  say('round  seconds  alive  node cpu s  fping cpu s  % of one core per 60 s');
  let worst = 0;
  for (let r = 1; r <= ROUNDS; r++) {
    const cpu0 = selfCpuSeconds();
    const child0 = childrenCpuSeconds();
    const t0 = process.hrtime.bigint();
    const result = await pingRound(c);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const node = selfCpuSeconds() - cpu0;
    const fping = childrenCpuSeconds() - child0;
    const share = ((node + fping) / INTERVAL_S) * 100;
    worst = Math.max(worst, share);
    say(`${String(r).padStart(5)}  ${seconds.toFixed(2).padStart(7)}  ${String(result.alive).padStart(5)}  ${node.toFixed(3).padStart(10)}  ${fping.toFixed(3).padStart(11)}  ${share.toFixed(2).padStart(6)} %`);
    clock.advance(INTERVAL_S * 1000);
  }
  say(`worst round: ${worst.toFixed(2)} % of one core per ${INTERVAL_S} s (target < 10 %)`);
} finally {
  await scratch.close({ keep: values.keep });
}
