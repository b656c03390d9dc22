/**
 * What the `--scenario` benchmarks share (scenario-million.ts, scenario-reconnect-storm.ts): the
 * database and the radius role to drive (one already running on this machine, or `ROLE=radius`
 * started here as bench-radius.ts does), RouterOS-like PPPoE packets for subscriber i of
 * seed-load's user1..userN, the CPU of each server process from /proc/<pid>/stat (utime + stime,
 * proc(5)), and the size of the accounting relations.
 * Figures are indicative: the load generator runs on the same machine as the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { Code } from '../../aaa/codec/packet.js';
import { hideUserPassword } from '../../aaa/codec/user-password.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { A, ip, mac } from './bench-attributes.js';


const w = new PacketWriter();
/** Acct-Session-Id of subscriber i (as bench-radius.ts sends it). */
export const acctSessionId = (i: number): string => `8100${i.toString(16).padStart(4, '0')}`;

function ppp(i: number): PacketWriter {
  return w.add(A['User-Name']!, `user${i}`).add(A['NAS-IP-Address']!, '127.0.0.1').add(A['NAS-Identifier']!, 'bench-router')
    .add(A['NAS-Port']!, 15_000_000 + i).add(A['NAS-Port-Id']!, 'ether2').add(A['NAS-Port-Type']!, 'Ethernet')
    .add(A['Calling-Station-Id']!, mac(i)).add(A['Called-Station-Id']!, 'pppoe-service').add(A['Acct-Session-Id']!, acctSessionId(i));
}

/** A PPPoE PAP Access-Request of user i (password pass<i>), with Message-Authenticator. */
export function accessRequest(id: number, i: number, secret: Buffer): Buffer {
  const auth = randomBytes(16);
  w.reset(Code.AccessRequest, id & 255, auth).messageAuthenticator();
  ppp(i).add(A['Service-Type']!, 'Framed-User').add(A['Framed-Protocol']!, 'PPP').add(A['User-Password']!, hideUserPassword(`pass${i}`, auth, secret));
  return w.toAccessRequest(secret);
}

/** An Accounting-Request of user i's session; counters grow with `round` (cumulative, RFC 2866 §5.3-5.4). */
export function accountingRequest(id: number, i: number, status: 'Start' | 'Interim-Update', round: number, intervalS: number, secret: Buffer): Buffer {
  w.reset(Code.AccountingRequest, id & 255);
  ppp(i).add(A['Acct-Status-Type']!, status).add(A['Framed-IP-Address']!, ip(i)).add(A['Acct-Session-Time']!, round * intervalS)
    .add(A['Acct-Input-Octets']!, (round * 3_000_000 + i) >>> 0).add(A['Acct-Output-Octets']!, (round * 27_000_000 + i) >>> 0)
    .add(A['Acct-Input-Gigawords']!, Math.floor((round * 3_000_000 + i) / 2 ** 32)).add(A['Acct-Output-Gigawords']!, Math.floor((round * 27_000_000 + i) / 2 ** 32))
    .add(A['Acct-Input-Packets']!, round * 3000).add(A['Acct-Output-Packets']!, round * 21_000).add(A['Acct-Delay-Time']!, 0);
  return w.toSignedRequest(secret);
}

/** True when a server answers Status-Server on 127.0.0.1:`port` with `secret` within 300 ms. */
export function statusServer(port: number, secret: Buffer): Promise<boolean> {
  const pkt = new PacketWriter().reset(Code.StatusServer, 1, randomBytes(16)).messageAuthenticator().toAccessRequest(secret);
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(false); }, 300);
    s.on('message', () => { clearTimeout(t); s.close(); resolve(true); });
    s.send(pkt, port, '127.0.0.1');
  });
}

export async function waitFor(fn: () => Promise<boolean>, what: string, ms = 600_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One Access-Request for user n: true once the radius role's replica holds the seeded rows. */
export function accepts(port: number, n: number, secret: Buffer): Promise<boolean> {
  const pkt = accessRequest(7, n, secret);
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(false); }, 1000);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m[0] === Code.AccessAccept); });
    s.send(pkt, port, '127.0.0.1');
  });
}

export interface RadiusUnderTest {
  /** The pid of the server started here (its radius processes are its children), or null when one was already running. */
  pid: number | null;
  /** The radius metrics of the server started here (Prometheus text of GET /metrics), or '' when one was already running. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * What a scenario prints after its run from the server's metrics: requests dropped by reason
 * (aaa/metrics/radius-metrics.ts), duplicates answered, and the accounting batch sizes.
 */
export function radiusMetricLines(text: string): string[] {
  const lines: string[] = [];
  for (const m of text.matchAll(/^radius_dropped_total\{([^}]*)\} (\S+)$/gm)) if (Number(m[2]) > 0) lines.push(`  dropped ${m[1]}: ${m[2]}`);
  const dup = /^radius_duplicates_total(?:\{[^}]*\})? (\S+)$/m.exec(text);
  if (dup) lines.push(`  duplicates answered or ignored: ${dup[1]}`);
  const sum = /^radius_accounting_batch_size_sum(?:\{[^}]*\})? (\S+)$/m.exec(text);
  const count = /^radius_accounting_batch_size_count(?:\{[^}]*\})? (\S+)$/m.exec(text);
  if (sum && count && Number(count[1]) > 0) lines.push(`  accounting batches: ${count[1]}, ${(Number(sum[1]) / Number(count[1])).toFixed(1)} records each on average`);
  return lines;
}

/** Uses the radius role answering on RADIUS_AUTH_PORT, or starts `ROLE=radius` (RADIUS_PROCESSES as set, default auto). */
export async function radiusUnderTest(config: Config, secret: Buffer, say: (s: string) => void): Promise<RadiusUnderTest> {
  if (await statusServer(config.RADIUS_AUTH_PORT, secret)) {
    say(`driving the server already running on 127.0.0.1:${config.RADIUS_AUTH_PORT}/${config.RADIUS_ACCT_PORT} (CPU per process: not measured)`);
    return { pid: null, metrics: async () => '', stop: async () => {} };
  }
  say(`starting ROLE=radius on 127.0.0.1:${config.RADIUS_AUTH_PORT}/${config.RADIUS_ACCT_PORT}`);
  const httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ROLE: 'radius', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', DEMO_DATA: 'false', HOST: '127.0.0.1', PORT: String(httpPort) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(() => statusServer(config.RADIUS_AUTH_PORT, secret), 'the radius role to answer Status-Server');
  // The accounting process starts on its own: Starts sent before it answers would be lost.
  await waitFor(() => statusServer(config.RADIUS_ACCT_PORT, secret), 'the accounting port to answer Status-Server');
  return {
    pid: child.pid ?? null,
    // An unforwarded request from this host is a trusted caller of /metrics (web/trusted-caller.ts).
    metrics: async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** utime + stime of `pid` in seconds (proc(5): fields 14 and 15, clock ticks of 1/100 s), its parent and name; null once it is gone. */
function procStat(pid: number): { cpu: number; ppid: number; comm: string } | null {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / 100, ppid: Number(f[1]), comm: raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')) };
  } catch {
    return null;
  }
}

/** CPU seconds so far of `root` and every descendant, by pid, with a label (the command line, shortened). */
export function processTreeCpu(root: number | null): Map<number, { label: string; cpu: number }> {
  const out = new Map<number, { label: string; cpu: number }>();
  if (!root) return out;
  const all = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
  const stats = new Map(all.map((pid) => [pid, procStat(pid)] as const));
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; hops++) {
      if (p === root) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  for (const [pid, st] of stats) {
    if (!st || !inTree(pid)) continue;
    let label = st.comm;
    try { label = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 60) || st.comm; } catch { /* gone */ }
    out.set(pid, { label, cpu: st.cpu });
  }
  return out;
}

/** The embedded PostgreSQL's postmaster pid (DATA_DIR/postgres/postmaster.pid), or null with DATABASE_URL. */
export function postgresPid(config: Config): number | null {
  if (config.DATABASE_URL) return null;
  try {
    return Number(fs.readFileSync(`${config.DATA_DIR}/postgres/postmaster.pid`, 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}

/** Prints each process's share of a core between two processTreeCpu snapshots. */
export function cpuLines(before: Map<number, { label: string; cpu: number }>, after: Map<number, { label: string; cpu: number }>, seconds: number): string[] {
  const lines: string[] = [];
  for (const [pid, a] of after) {
    const used = a.cpu - (before.get(pid)?.cpu ?? 0);
    if (used > 0.01 * seconds) lines.push(`  pid ${String(pid).padStart(7)}  ${(used / seconds).toFixed(2)} cores  ${a.label}`);
  }
  return lines;
}

/** Bytes of the accounting relations (every partition, its indexes and TOAST), usage_daily, the dead letters, and WAL written so far. */
export async function accountingSizes(db: Knex): Promise<Record<string, number>> {
  const { rows } = await db.raw(`
    SELECT (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('accounting_sessions') WHERE isleaf)::bigint AS accounting_sessions,
           pg_total_relation_size('usage_daily')::bigint AS usage_daily,
           pg_total_relation_size('accounting_dead_letters')::bigint AS accounting_dead_letters,
           pg_total_relation_size('post_auth_log')::bigint AS post_auth_log,
           (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint AS wal`);
  return Object.fromEntries(Object.entries(rows[0] as Record<string, string>).map(([k, v]) => [k, Number(v)]));
}

export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** The kernel's count of UDP datagrams dropped for a full socket receive buffer on this host (/proc/net/snmp, Udp RcvbufErrors), or null. */
export function udpReceiveBufferErrors(): number | null {
  try {
    const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp: '));
    const names = lines[0]!.split(/\s+/);
    return Number(lines[1]!.split(/\s+/)[names.indexOf('RcvbufErrors')]);
  } catch {
    return null;
  }
}
