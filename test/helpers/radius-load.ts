/**
 * Load for the radius-process scenarios: Access-Requests sent at a steady rate with each round
 * trip timed (the probe a router's login is), and an accounting flood that keeps a number of
 * Accounting-Requests in flight. Packets are built with our codec (aaa/codec) and checked only by
 * their Identifier: latency, not content, is what these tests measure.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { Code } from '../../aaa/codec/packet.js';
import { hideUserPassword } from '../../aaa/codec/user-password.js';
import { PacketWriter } from '../../aaa/codec/writer.js';

const d = dictionary();
const A = (name: string) => d.attr(name);

/** A PAP Access-Request with Message-Authenticator (RFC 2865 §5.2, RFC 3579 §3.2). */
export function accessRequest(id: number, username: string, password: string, secret: string): Buffer {
  const auth = randomBytes(16);
  const key = Buffer.from(secret);
  return new PacketWriter().reset(Code.AccessRequest, id & 0xff, auth).messageAuthenticator()
    .add(A('User-Name'), username).add(A('NAS-IP-Address'), '127.0.0.1').add(A('NAS-Port-Type'), 'Ethernet')
    .add(A('Service-Type'), 'Framed-User').add(A('Framed-Protocol'), 'PPP').add(A('User-Password'), hideUserPassword(password, auth, key))
    .toAccessRequest(key);
}

/** An Accounting-Request Interim-Update for `sessionId` (RFC 2866 §5.1; signed as §3 says). */
export function accountingInterim(id: number, username: string, sessionId: string, secret: string): Buffer {
  return new PacketWriter().reset(Code.AccountingRequest, id & 0xff)
    .add(A('User-Name'), username).add(A('NAS-IP-Address'), '127.0.0.1').add(A('Acct-Status-Type'), 'Interim-Update')
    .add(A('Acct-Session-Id'), sessionId).add(A('Acct-Session-Time'), 60).add(A('Acct-Input-Octets'), 1000).add(A('Acct-Output-Octets'), 2000)
    .toSignedRequest(Buffer.from(secret));
}

export interface ProbeResult {
  /** Round trips in ms, sorted ascending. */
  latencies: number[];
  sent: number;
  /** Requests with no reply within `timeoutMs`. */
  timeouts: number;
}

/** The p-th percentile (0..100) of sorted values; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Sends `make(i)` to 127.0.0.1:`port` every `intervalMs` for `durationMs`, timing each reply. */
export async function probe(opts: { port: number; make: (id: number) => Buffer; intervalMs: number; durationMs: number; timeoutMs?: number }): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const pending = new Map<number, number>();
  const latencies: number[] = [];
  let sent = 0;
  let timeouts = 0;
  socket.on('message', (msg) => {
    const at = pending.get(msg[1]!);
    if (at === undefined) return;
    pending.delete(msg[1]!);
    latencies.push(performance.now() - at);
  });
  const end = performance.now() + opts.durationMs;
  while (performance.now() < end) {
    const id = sent % 256;
    if (pending.has(id)) timeouts++;
    pending.set(id, performance.now());
    socket.send(opts.make(id), opts.port, '127.0.0.1');
    sent++;
    setTimeout(() => {
      if (pending.get(id) !== undefined && performance.now() - pending.get(id)! >= timeoutMs - 1) {
        pending.delete(id);
        timeouts++;
      }
    }, timeoutMs).unref();
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
  await new Promise((r) => setTimeout(r, timeoutMs + 50));
  socket.close();
  return { latencies: latencies.sort((a, b) => a - b), sent, timeouts };
}

export interface Flood {
  /** Stops sending; resolves with the replies received and the round trips (ms, sorted) of the answered ones. */
  stop(): Promise<{ answered: number; latencies: number[] }>;
}

/**
 * Keeps `inFlight` requests outstanding on each of `sockets` sockets: a new one as soon as a
 * reply comes, and again after 1 s without one (a dropped request is resent as new).
 */
export async function flood(opts: { port: number; make: (id: number, n: number) => Buffer; sockets?: number; inFlight?: number }): Promise<Flood> {
  const inFlight = Math.min(255, opts.inFlight ?? 32);
  let running = true;
  let answered = 0;
  let n = 0;
  const latencies: number[] = [];
  const sockets = await Promise.all(Array.from({ length: opts.sockets ?? 4 }, async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const sentAt = new Map<number, number>();
    const send = (id: number): void => {
      if (!running) return;
      sentAt.set(id, performance.now());
      socket.send(opts.make(id, n++), opts.port, '127.0.0.1');
    };
    socket.on('message', (msg) => {
      const id = msg[1]!;
      const at = sentAt.get(id);
      if (at === undefined) return;
      answered++;
      latencies.push(performance.now() - at);
      send(id);
    });
    const resend = setInterval(() => {
      const now = performance.now();
      for (const [id, at] of sentAt) if (now - at > 1000) send(id);
    }, 250);
    for (let id = 0; id < inFlight; id++) send(id);
    return { socket, resend };
  }));
  return {
    async stop() {
      running = false;
      await new Promise((r) => setTimeout(r, 200));
      for (const s of sockets) {
        clearInterval(s.resend);
        s.socket.close();
      }
      return { answered, latencies: latencies.sort((a, b) => a - b) };
    },
  };
}
