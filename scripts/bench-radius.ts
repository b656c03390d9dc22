/**
 * `npm run bench:radius [-- --subscribers 100000 --seconds 10 --concurrency 128 --rate 20000]`
 *
 * Seeds the subscribers with seed:load (user1..userN on the database the server uses), then
 * drives the radius role with PAP Access-Requests (RouterOS PPPoE attributes, with
 * Message-Authenticator) and with accounting (Start for every session, then Interim-Updates),
 * then (without --only) Access-Requests at 1,000/s while Interim-Updates flood, and prints requests per second, latency percentiles, timeouts (no reply within 1 s) and late
 * replies (over 300 ms, when RouterOS would already retransmit). The last accounting phase mixes
 * 5 unstorable requests a second into 2,000/s of Interim-Updates (Gigawords 2^32 − 1, and a
 * Class naming a subscription that does not exist), as one broken router or an older backup would.
 *
 * It drives the server running on RADIUS_AUTH_PORT / RADIUS_ACCT_PORT of this machine when one
 * answers a Status-Server with the load NAS secret (start it with `npm start` first); otherwise
 * it starts `ROLE=radius` itself as a separate process on the same database, with
 * RADIUS_PROCESSES=2 unless set (one radius process per core of a 2-core machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Code } from '../aaa/codec/packet.js';
import { hideUserPassword } from '../aaa/codec/user-password.js';
import { PacketWriter } from '../aaa/codec/writer.js';
import { classFor } from '../aaa/policy/reply-attributes.js';
import { loadConfig } from '../lib/config.js';
import { createDb } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { createSecretBox, resolveKey } from '../lib/secret-box.js';
import { resolveDatabase } from '../server/services.js';
import { packetSet, percentile, runLoad, type LoadResult, type PacketSet } from './bench/load-generator.js';
import { floodPhase } from './bench/flood-phase.js';
import { postgresPid, processTreeCpu, statusServer } from './bench/scenario-common.js';
import { seedLoad } from './seed-load.js';
import { A, ip, mac } from './bench/bench-attributes.js';

if (process.argv.includes('--compare-freeradius')) { // beside FreeRADIUS 3.2: scripts/bench/compare-freeradius.ts
  await (await import('./bench/compare-freeradius.js')).compareFreeradius(process.argv.slice(2), seedLoad);
  process.exit(0);
}
if (process.argv.includes('--scenario')) {
  // million | reconnect-storm (issue 13, item 3): scripts/bench/scenarios.ts.
  await (await import('./bench/scenarios.js')).runScenario(process.argv.slice(2), seedLoad);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '128' },
    rate: { type: 'string', default: '20000' },
    'acct-rate': { type: 'string', default: '10000' },
    sockets: { type: 'string', default: '4' },
    secret: { type: 'string', default: 'bench-secret-0123' },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const N = Number(values.subscribers);
const SECONDS = Number(values.seconds);
const SOCKETS = Number(values.sockets);
const SECRET = Buffer.from(values.secret);

const config = loadConfig();
const log = createLogger('warn', {}, config.LOG_FORMAT);
const w = new PacketWriter();

function ppp(i: number): PacketWriter {
  return w
    .add(A['User-Name']!, `user${i}`)
    .add(A['NAS-IP-Address']!, '127.0.0.1')
    .add(A['NAS-Identifier']!, 'bench-router')
    .add(A['NAS-Port']!, 15_000_000 + i)
    .add(A['NAS-Port-Id']!, 'ether2')
    .add(A['NAS-Port-Type']!, 'Ethernet')
    .add(A['Calling-Station-Id']!, mac(i))
    .add(A['Called-Station-Id']!, 'pppoe-service')
    .add(A['Acct-Session-Id']!, `8100${i.toString(16).padStart(4, '0')}`);
}

function accessRequest(k: number): Buffer {
  const i = 1 + Math.floor(Math.random() * N);
  const auth = randomBytes(16);
  w.reset(Code.AccessRequest, k % 256, auth).messageAuthenticator();
  ppp(i).add(A['Service-Type']!, 'Framed-User').add(A['Framed-Protocol']!, 'PPP').add(A['User-Password']!, hideUserPassword(`pass${i}`, auth, SECRET));
  return w.toAccessRequest(SECRET);
}

/** `unstorable`: Gigawords 2^32 − 1 (above 2^63 − 1 octets), or a Class naming a subscription that does not exist. */
function accountingRequest(k: number, i: number, status: 'Start' | 'Interim-Update', round: number, unstorable?: 'gigawords' | 'class'): Buffer {
  w.reset(Code.AccountingRequest, k % 256);
  ppp(i)
    .add(A['Acct-Status-Type']!, status)
    .add(A['Framed-IP-Address']!, ip(i))
    .add(A['Acct-Session-Time']!, round * 300)
    .add(A['Acct-Input-Octets']!, round * 1_000_000 + k)
    .add(A['Acct-Output-Octets']!, round * 9_000_000 + k)
    .add(A['Acct-Input-Gigawords']!, unstorable === 'gigawords' ? 0xffffffff : 0)
    .add(A['Acct-Output-Gigawords']!, 0)
    .add(A['Acct-Input-Packets']!, round * 1000)
    .add(A['Acct-Output-Packets']!, round * 7000)
    .add(A['Acct-Delay-Time']!, 0);
  if (unstorable === 'class') w.add(A.Class!, classFor(2_000_000_000 + k, 1, false));
  return w.toSignedRequest(SECRET);
}

function build(count: number, make: (k: number, socket: number) => Buffer): PacketSet[] {
  return Array.from({ length: SOCKETS }, (_, s) => packetSet(Math.ceil(count / SOCKETS), (k) => make(k, s)));
}

async function waitFor(fn: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One Access-Request for user N, to know when the server's index holds the seeded rows. */
function acceptsLastUser(port: number): Promise<boolean> {
  const auth = randomBytes(16);
  w.reset(Code.AccessRequest, 7, auth).messageAuthenticator().add(A['User-Name']!, `user${N - 1}`).add(A['User-Password']!, hideUserPassword(`pass${N - 1}`, auth, SECRET));
  const pkt = w.toAccessRequest(SECRET);
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(false); }, 500);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m[0] === Code.AccessAccept); });
    s.send(pkt, port, '127.0.0.1');
  });
}

let serverPid: number | undefined;

/** utime + stime of process `pid` in seconds, its parent and its command name (Linux /proc), or null. */
function procStat(pid: number): { cpu: number; ppid: number; comm: string } | null {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / 100, ppid: Number(f[1]), comm };
  } catch {
    return null;
  }
}

/** CPU seconds of the node processes of the server started here: the primary and its radius workers. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  let total = procStat(pid)?.cpu ?? NaN;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const st = procStat(Number(entry));
    if (st && st.ppid === pid && st.comm === 'node') total += st.cpu;
  }
  return total;
}

/** CPU seconds of each embedded PostgreSQL process by pid (empty with DATABASE_URL): a backend that exits mid-phase leaves the sum, so phases add up per pid. */
const postgresCpu = (): Map<number, { cpu: number }> => processTreeCpu(postgresPid(config));
const cpuSince = (before: Map<number, { cpu: number }>): number =>
  config.DATABASE_URL ? NaN : [...postgresCpu()].reduce((sum, [pid, a]) => sum + a.cpu - (before.get(pid)?.cpu ?? 0), 0);

/** Runs one load phase and prints its line, with the CPU the server, PostgreSQL and this generator used. */
async function phase(name: string, opts: Parameters<typeof runLoad>[0]): Promise<LoadResult> {
  const s0 = cpuSeconds(serverPid);
  const p0 = postgresCpu();
  const g0 = process.cpuUsage();
  const r = await runLoad(opts);
  const g = process.cpuUsage(g0);
  const pg = cpuSince(p0);
  const cores = (sec: number): string => (Number.isNaN(sec) ? '   -' : (sec / r.seconds).toFixed(2));
  const f = (n: number): string => n.toFixed(2).padStart(8);
  process.stdout.write(
    `${name.padEnd(34)} ${Math.round(r.answered / r.seconds).toString().padStart(7)} req/s  ` +
      `p50 ${f(percentile(r.latencies, 50))} ms  p99 ${f(percentile(r.latencies, 99))} ms  p99.9 ${f(percentile(r.latencies, 99.9))} ms  ` +
      `timeouts ${r.timeouts}  late(>300ms) ${r.late}  ` +
      `cpu (cores): server ${cores(cpuSeconds(serverPid) - s0)} postgres ${cores(pg)} generator ${cores((g.user + g.system) / 1e6)}\n`,
  );
  if (values.verbose) process.stdout.write(`  replies over 5 ms, per second: ${r.slowPerSecond.join(' ')}\n`);
  return r;
}

async function main(): Promise<void> {
  const database = await resolveDatabase(config, log);
  const db = createDb({ url: database.url });
  await migrateLatest(db);
  const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
  let t0 = Date.now();
  await seedLoad(db, secrets, { subscribers: N, nasIp: '127.0.0.1', secret: values.secret });
  // Interim-Updates for sessions that do not exist yet would all be inserts: start from a clean slate.
  await db.raw(`DELETE FROM accounting_sessions WHERE username LIKE 'user%'`);
  await db.raw(`DELETE FROM usage_daily u USING subscriptions s WHERE s.id = u.subscription_id AND s.username LIKE 'user%'`);
  // Do now what autovacuum and the checkpointer would otherwise do during the measurement.
  await db.raw('VACUUM ANALYZE subscriptions, customers, accounting_sessions, usage_daily, post_auth_log');
  await db.raw('CHECKPOINT');
  await db.destroy();
  process.stdout.write(`seeded ${N} subscribers in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  const authPort = config.RADIUS_AUTH_PORT;
  const acctPort = config.RADIUS_ACCT_PORT;
  let child: ChildProcess | null = null;
  if (await statusServer(authPort, SECRET)) {
    process.stdout.write(`driving the server already running on 127.0.0.1:${authPort}/${acctPort}\n`);
  } else {
    const processes = process.env.RADIUS_PROCESSES ?? '2';
    process.stdout.write(`starting ROLE=radius RADIUS_PROCESSES=${processes} on 127.0.0.1:${authPort}/${acctPort}\n`);
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, ROLE: 'radius', RADIUS_PROCESSES: processes, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', DEMO_DATA: 'false', PORT: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    serverPid = child.pid;
    await waitFor(() => statusServer(authPort, SECRET), 'the radius role to answer Status-Server');
  }
  // The accounting process loads its replica on its own: measuring Starts before it answers
  // counted its start-up as lost requests (about 150 "timeouts" in every run).
  await waitFor(() => statusServer(acctPort, SECRET), 'the accounting port to answer Status-Server');
  t0 = Date.now();
  await waitFor(() => acceptsLastUser(authPort), `user${N - 1} to be accepted`);
  process.stdout.write(`index ready (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);

  try {
    if (values.only !== 'acct') await authPhase(authPort);
    if (values.only !== 'auth') await acctPhase(acctPort);
    if (!values.only) {
      const sessions = Math.min(N, 100_000);
      await floodPhase({
        phase, seconds: SECONDS, concurrency: Number(values.concurrency),
        acct: { port: acctPort, packets: build(Number(values['acct-rate']) * SECONDS * 1.5, (k, s) => accountingRequest(k, 1 + ((s + k * SOCKETS) % sessions), 'Interim-Update', 200 + Math.floor((s + k * SOCKETS) / sessions))) },
        auth: { port: authPort, packets: build(1000 * SECONDS * 1.1, accessRequest) },
      });
    }
  } finally {
    if (child) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    await database.stop();
  }
}

async function authPhase(authPort: number): Promise<void> {
  const authCount = 60_000 * SECONDS;
  process.stdout.write(`precomputing ${authCount} Access-Requests...\n`);
  await runLoad({ host: '127.0.0.1', port: authPort, packets: build(40_000, accessRequest), durationMs: 2000, concurrency: 64 }); // warm-up
  await phase(`Access-Request, ${values.concurrency} in flight`, { host: '127.0.0.1', port: authPort, packets: build(authCount, accessRequest), durationMs: SECONDS * 1000, concurrency: Number(values.concurrency) });
  const rate = Number(values.rate);
  await phase(`Access-Request at ${rate}/s`, { host: '127.0.0.1', port: authPort, packets: build(Math.ceil(rate * SECONDS * 1.1), accessRequest), durationMs: SECONDS * 1000, rate });
}

async function acctPhase(acctPort: number): Promise<void> {
  const sessions = Math.min(N, 100_000);
  const starts = build(sessions, (k, s) => accountingRequest(k, 1 + s + k * SOCKETS, 'Start', 0));
  await phase(`Accounting Start (${sessions} sessions)`, { host: '127.0.0.1', port: acctPort, packets: starts, durationMs: 60_000, concurrency: Number(values.concurrency) });
  const acctRate = Number(values['acct-rate']);
  const interimCount = Math.ceil(acctRate * SECONDS * 1.1);
  const interims = build(interimCount, (k, s) => accountingRequest(k, 1 + ((s + k * SOCKETS) % sessions), 'Interim-Update', 1 + Math.floor((s + k * SOCKETS) / sessions)));
  await phase(`Interim-Update, ${values.concurrency} in flight`, { host: '127.0.0.1', port: acctPort, packets: interims, durationMs: SECONDS * 1000, concurrency: Number(values.concurrency) });
  const interims2 = build(interimCount, (k, s) => accountingRequest(k, 1 + ((s + k * SOCKETS) % sessions), 'Interim-Update', 50 + Math.floor((s + k * SOCKETS) / sessions)));
  await phase(`Interim-Update at ${acctRate}/s`, { host: '127.0.0.1', port: acctPort, packets: interims2, durationMs: SECONDS * 1000, rate: acctRate });
  // 1 in 400 at 2,000/s: 5 unstorable requests a second, alternating the two kinds.
  const mixRate = 2000;
  const mixed = build(Math.ceil(mixRate * SECONDS * 1.1), (k, s) => {
    const n = s + k * SOCKETS;
    const bad = n % 400 === 399 ? (n % 800 === 799 ? 'class' : 'gigawords') : undefined;
    return accountingRequest(k, 1 + (n % sessions), 'Interim-Update', 100 + Math.floor(n / sessions), bad);
  });
  await phase(`Interim-Update at ${mixRate}/s, 5/s unstorable`, { host: '127.0.0.1', port: acctPort, packets: mixed, durationMs: SECONDS * 1000, rate: mixRate });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:radius: ${(err as Error).stack}\n`);
  process.exit(1);
});
