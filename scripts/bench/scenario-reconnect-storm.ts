/**
 * `--scenario reconnect-storm` (scenarios.ts): a router comes back after a reboot and its N
 * subscribers (default 100,000) reconnect within `--spread` seconds (default 5, evenly spread):
 * each sends an Access-Request and, once accepted, an Accounting-Start, as a PPPoE client behind
 * RouterOS would. Like RouterOS, a request with no reply after 300 ms (its default RADIUS
 * timeout) is sent again unchanged (same Identifier and authenticator: the server answers a
 * retransmission from its duplicate cache, RFC 5080 §2.2.2); after 5 s it counts as failed.
 * Prints the completion time (first request to the last Accounting-Response; target < 10 s), the
 * latency of each kind, and the requests answered past 300 ms (target 0).
 */
import dgram from 'node:dgram';
import { Code } from '../../aaa/codec/packet.js';
import {
  accepts, accessRequest, accountingRequest, accountingSizes, cpuLines, postgresPid, processTreeCpu, radiusUnderTest, waitFor,
} from './scenario-common.js';
import type { ScenarioContext } from './scenarios.js';

const RETRY_MS = 300;
const GIVE_UP_MS = 5_000;

interface Flight {
  i: number;
  kind: 'auth' | 'acct';
  packet: Buffer;
  firstSent: number;
  lastSent: number;
}

interface StormResult {
  seconds: number;
  auth: number[];
  acct: number[];
  rejected: number;
  failed: number;
  retransmissions: number;
}

async function storm(port: { auth: number; acct: number }, n: number, spreadMs: number, socketCount: number, secret: Buffer): Promise<StormResult> {
  const sockets = await Promise.all(Array.from({ length: socketCount }, () => new Promise<dgram.Socket>((resolve) => {
    const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
    s.bind(0, '127.0.0.1', () => resolve(s));
  })));
  const slots: Array<Array<Flight | null>> = sockets.map(() => new Array<Flight | null>(256).fill(null));
  const free: Array<[number, number]> = [];
  for (let id = 0; id < 256; id++) for (let s = 0; s < socketCount; s++) free.push([s, id]);
  const backlog: Array<{ i: number; kind: 'auth' | 'acct'; since: number }> = [];
  const result: StormResult = { seconds: 0, auth: [], acct: [], rejected: 0, failed: 0, retransmissions: 0 };
  let done = 0;
  let finished = (): void => {};
  const start = performance.now();

  const send = (f: Flight, s: number): void => {
    sockets[s]!.send(f.packet, f.kind === 'auth' ? port.auth : port.acct, '127.0.0.1');
  };
  const launch = (i: number, kind: 'auth' | 'acct', since: number): void => {
    const slot = free.pop();
    if (!slot) { backlog.push({ i, kind, since }); return; }
    const [s, id] = slot;
    const packet = kind === 'auth' ? accessRequest(id, i, secret) : accountingRequest(id, i, 'Start', 0, 300, secret);
    const f: Flight = { i, kind, packet, firstSent: since, lastSent: performance.now() };
    slots[s]![id] = f;
    send(f, s);
  };
  const release = (s: number, id: number): void => {
    slots[s]![id] = null;
    free.push([s, id]);
    const next = backlog.shift();
    if (next) launch(next.i, next.kind, next.since);
  };

  await new Promise<void>((resolve) => {
    sockets.forEach((sock, s) => sock.on('message', (msg) => {
      const id = msg[1]!;
      const f = slots[s]![id];
      if (!f) return; // an answer to a retransmission already answered
      const ms = performance.now() - f.firstSent;
      release(s, id);
      if (f.kind === 'auth') {
        result.auth.push(ms);
        if (msg[0] === Code.AccessAccept) launch(f.i, 'acct', performance.now());
        else { result.rejected++; done++; }
      } else {
        result.acct.push(ms);
        done++;
      }
      if (done === n) resolve();
    }));
    let next = 1;
    const tick = setInterval(() => {
      const now = performance.now();
      const due = Math.min(n, Math.floor(((now - start) / spreadMs) * n) + 1);
      for (; next <= due; next++) launch(next, 'auth', now);
    }, 1);
    // RouterOS's retransmission timer; checked every 20 ms (so a retry goes out 300-320 ms after the last send).
    const sweep = setInterval(() => {
      const now = performance.now();
      for (let s = 0; s < socketCount; s++) {
        for (let id = 0; id < 256; id++) {
          const f = slots[s]![id];
          if (!f) continue;
          if (now - f.firstSent > GIVE_UP_MS) { release(s, id); result.failed++; done++; }
          else if (now - f.lastSent > RETRY_MS) { f.lastSent = now; result.retransmissions++; send(f, s); }
        }
      }
      if (done >= n) resolve();
    }, 20);
    finished = () => { clearInterval(tick); clearInterval(sweep); };
  });
  finished();
  result.seconds = (performance.now() - start) / 1000;
  for (const s of sockets) s.close();
  return result;
}

const pct = (v: number[], p: number): string => {
  if (!v.length) return '-';
  const sorted = Float64Array.from(v).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
};

export async function runReconnectStorm(ctx: ScenarioContext): Promise<void> {
  const { config, db, secret, say } = ctx;
  const n = Number(ctx.options.subscribers);
  const spreadS = Number(ctx.options.spread ?? 5);
  const sockets = Number(ctx.options.sockets ?? 64);
  // The router rebooted: none of its subscribers is online.
  await db.raw(`DELETE FROM accounting_sessions WHERE username LIKE 'user%'`);
  await db.raw('VACUUM ANALYZE accounting_sessions');
  const server = await radiusUnderTest(config, secret, say);
  try {
    await waitFor(() => accepts(config.RADIUS_AUTH_PORT, n - 1, secret), `user${n - 1} to be known to the radius role`);
    await db.raw(`DELETE FROM accounting_sessions WHERE username LIKE 'user%'`); // the readiness probe's session, if any
    const sizes0 = await accountingSizes(db);
    const cpu0 = processTreeCpu(server.pid);
    const pg0 = processTreeCpu(postgresPid(config));
    const r = await storm({ auth: config.RADIUS_AUTH_PORT, acct: config.RADIUS_ACCT_PORT }, n, spreadS * 1000, sockets, secret);
    const cpu1 = processTreeCpu(server.pid);
    const pg1 = processTreeCpu(postgresPid(config));
    const sizes1 = await accountingSizes(db);
    const open = Number((await db.raw(`SELECT count(*) AS n FROM accounting_sessions_open WHERE username LIKE 'user%'`)).rows[0].n);
    const past = [...r.auth, ...r.acct].filter((ms) => ms > RETRY_MS).length;

    say(`\nreconnect storm: ${n} subscribers reconnecting over ${spreadS} s (Access-Request, then Accounting-Start)`);
    say(`  completed in ${r.seconds.toFixed(2)} s (target < 10 s): ${r.auth.length - r.rejected} accepted, ${r.rejected} rejected, ${r.failed} failed, ${open} sessions open`);
    say(`  Access-Request     p50 ${pct(r.auth, 50)} ms  p99 ${pct(r.auth, 99)} ms  max ${pct(r.auth, 100)} ms`);
    say(`  Accounting-Start   p50 ${pct(r.acct, 50)} ms  p99 ${pct(r.acct, 99)} ms  max ${pct(r.acct, 100)} ms`);
    say(`  answered past 300 ms: ${past} (target 0); retransmissions ${r.retransmissions}`);
    say('CPU per process (share of one core):');
    for (const line of [...cpuLines(cpu0, cpu1, r.seconds), ...cpuLines(pg0, pg1, r.seconds)]) say(line);
    say(`  accounting_sessions grew ${((sizes1.accounting_sessions! - sizes0.accounting_sessions!) / 2 ** 20).toFixed(1)} MB, WAL ${((sizes1.wal! - sizes0.wal!) / 2 ** 20).toFixed(1)} MB`);
    say('Figures are indicative: generator, server and PostgreSQL share this machine.');
  } finally {
    await server.stop();
  }
}
