/**
 * `--scenario reconnect-storm` (scenarios.ts): a router comes back after a reboot and its N
 * subscribers (default 100,000) reconnect within `--spread` seconds (default 5, evenly spread):
 * each sends an Access-Request and, once accepted, an Accounting-Start, as a PPPoE client behind
 * RouterOS would. Like RouterOS, a request with no reply after 300 ms (its default RADIUS
 * timeout) is sent again unchanged (same Identifier and authenticator: the server answers a
 * retransmission from its duplicate cache, RFC 5080 §2.2.2); after 5 s it counts as failed.
 * Prints the completion time (first request to the last Accounting-Response; target < 10 s), the
 * latency of each kind, the requests answered past 300 ms (target 0), and the CPU of the server's
 * processes, PostgreSQL and this generator (one thread: at 20,000 subscribers a second it needs
 * most of a core, which it takes from the server on a 2-core machine).
 */
import dgram from 'node:dgram';
import { verifyResponse } from '../../aaa/codec/authenticators.js';
import { Code, decodePacket } from '../../aaa/codec/packet.js';
import {
  accepts, accessRequest, accountingRequest, accountingSizes, cpuLines, postgresPid, processTreeCpu, radiusMetricLines, radiusUnderTest, udpReceiveBufferErrors, waitFor,
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
  /** Per second of the storm: requests sent first, retransmitted, answered. */
  timeline: Array<{ sent: number; retransmitted: number; answered: number }>;
}

/**
 * The storm. Packets are built before it starts (the generator shares the machine with the
 * server, so it should spend its CPU on sending): subscriber i uses Identifier i mod 256 on
 * whichever of the sockets has that Identifier free, and waits in that Identifier's queue when
 * none has.
 */
async function storm(port: { auth: number; acct: number }, n: number, spreadMs: number, socketCount: number, secret: Buffer, starts: boolean): Promise<StormResult> {
  const sockets = await Promise.all(Array.from({ length: socketCount }, () => new Promise<dgram.Socket>((resolve) => {
    const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
    s.bind(0, '127.0.0.1', () => resolve(s));
  })));
  const auth: Buffer[] = [];
  const acct: Buffer[] = [];
  for (let i = 1; i <= n; i++) {
    auth[i] = accessRequest(i & 255, i, secret);
    acct[i] = accountingRequest(i & 255, i, 'Start', 0, 300, secret);
  }
  const slots: Array<Array<Flight | null>> = sockets.map(() => new Array<Flight | null>(256).fill(null));
  /** By Identifier: the sockets on which it is free, and the subscribers waiting for it (a queue read from `head`). */
  const free = Array.from({ length: 256 }, () => Array.from({ length: socketCount }, (_, s) => s));
  const waiting = Array.from({ length: 256 }, () => ({ queue: [] as Array<{ i: number; kind: 'auth' | 'acct'; since: number }>, head: 0 }));
  const result: StormResult = { seconds: 0, auth: [], acct: [], rejected: 0, failed: 0, retransmissions: 0, timeline: [] };
  let done = 0;
  let finished = (): void => {};
  const start = performance.now();
  const second = (): { sent: number; retransmitted: number; answered: number } => {
    const k = Math.floor((performance.now() - start) / 1000);
    while (result.timeline.length <= k) result.timeline.push({ sent: 0, retransmitted: 0, answered: 0 });
    return result.timeline[k]!;
  };

  const send = (f: Flight, s: number): void => {
    sockets[s]!.send(f.packet, f.kind === 'auth' ? port.auth : port.acct, '127.0.0.1');
  };
  const launch = (i: number, kind: 'auth' | 'acct', since: number): void => {
    const id = i & 255;
    const s = free[id]!.pop();
    if (s === undefined) { waiting[id]!.queue.push({ i, kind, since }); return; }
    const f: Flight = { i, kind, packet: kind === 'auth' ? auth[i]! : acct[i]!, firstSent: since, lastSent: performance.now() };
    slots[s]![id] = f;
    second().sent++;
    send(f, s);
  };
  const release = (s: number, id: number): void => {
    slots[s]![id] = null;
    free[id]!.push(s);
    const w = waiting[id]!;
    if (w.head < w.queue.length) {
      const next = w.queue[w.head++]!;
      launch(next.i, next.kind, next.since);
    }
  };

  await new Promise<void>((resolve) => {
    sockets.forEach((sock, s) => sock.on('message', (msg) => {
      const id = msg[1]!;
      const f = slots[s]![id];
      // None: an answer to a retransmission already answered. Not its answer: a late reply to a
      // request given up, whose Identifier now carries another (a NAS checks the same way).
      if (!f) return;
      const reply = decodePacket(msg);
      if (!reply.ok || !verifyResponse(reply.packet, f.packet.subarray(4, 20), secret)) return;
      const ms = performance.now() - f.firstSent;
      second().answered++;
      release(s, id);
      if (f.kind === 'auth') {
        result.auth.push(ms);
        if (msg[0] === Code.AccessAccept) {
          if (starts) launch(f.i, 'acct', performance.now());
          else done++;
        }
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
          else if (now - f.lastSent > RETRY_MS) { f.lastSent = now; result.retransmissions++; second().retransmitted++; send(f, s); }
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
  const starts = ctx.options.starts !== 'no';
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
    const udp0 = udpReceiveBufferErrors();
    const gen0 = process.cpuUsage();
    const r = await storm({ auth: config.RADIUS_AUTH_PORT, acct: config.RADIUS_ACCT_PORT }, n, spreadS * 1000, sockets, secret, starts);
    const udp1 = udpReceiveBufferErrors();
    const gen = process.cpuUsage(gen0);
    const cpu1 = processTreeCpu(server.pid);
    const pg1 = processTreeCpu(postgresPid(config));
    const sizes1 = await accountingSizes(db);
    const open = Number((await db.raw(`SELECT count(*) AS n FROM accounting_sessions_open WHERE username LIKE 'user%'`)).rows[0].n);
    const past = [...r.auth, ...r.acct].filter((ms) => ms > RETRY_MS).length;

    say(`\nreconnect storm: ${n} subscribers reconnecting over ${spreadS} s (${starts ? 'Access-Request, then Accounting-Start' : 'Access-Request only (--starts no)'})`);
    say(`  completed in ${r.seconds.toFixed(2)} s (target < 10 s): ${r.auth.length - r.rejected} accepted, ${r.rejected} rejected, ${r.failed} failed, ${open} sessions open`);
    say(`  Access-Request     p50 ${pct(r.auth, 50)} ms  p99 ${pct(r.auth, 99)} ms  max ${pct(r.auth, 100)} ms`);
    say(`  Accounting-Start   p50 ${pct(r.acct, 50)} ms  p99 ${pct(r.acct, 99)} ms  max ${pct(r.acct, 100)} ms`);
    say('  second   sent  retransmitted  answered');
    r.timeline.forEach((t, k) => say(`  ${String(k).padStart(6)} ${String(t.sent).padStart(6)} ${String(t.retransmitted).padStart(14)} ${String(t.answered).padStart(9)}`));
    say(`  answered past 300 ms: ${past} (target 0); retransmissions ${r.retransmissions}`);
    say('CPU per process (share of one core):');
    for (const line of [...cpuLines(cpu0, cpu1, r.seconds), ...cpuLines(pg0, pg1, r.seconds)]) say(line);
    say(`  the load generator (this process): ${((gen.user + gen.system) / 1e6 / r.seconds).toFixed(2)} cores`);
    say('What the server counted:');
    for (const line of radiusMetricLines(await server.metrics())) say(line);
    if (udp0 !== null && udp1 !== null) say(`  datagrams the kernel dropped for a full receive buffer (any UDP socket on this host): ${udp1 - udp0}`);
    say(`  accounting_sessions grew ${((sizes1.accounting_sessions! - sizes0.accounting_sessions!) / 2 ** 20).toFixed(1)} MB, WAL ${((sizes1.wal! - sizes0.wal!) / 2 ** 20).toFixed(1)} MB`);
    say('Figures are indicative: generator, server and PostgreSQL share this machine.');
  } finally {
    await server.stop();
  }
}
