/**
 * A RADIUS load generator for the benchmarks: precomputed packets (so generating them costs
 * nothing while measuring), several UDP sockets, each with up to 256 outstanding Identifiers.
 * Closed loop (a fixed number of requests in flight, as fast as the server answers) or open
 * loop (a fixed request rate, the latency a NAS population at that rate would see).
 */
import dgram from 'node:dgram';

export interface LoadResult {
  sent: number;
  answered: number;
  /** No reply within timeoutMs. */
  timeouts: number;
  /** Replies slower than 300 ms: RouterOS would already have retransmitted. */
  late: number;
  seconds: number;
  /** Reply latencies in milliseconds, sorted. */
  latencies: Float64Array;
  /** Replies slower than 5 ms, per second of the run (where the tail comes from). */
  slowPerSecond: number[];
  /** The slowest reply (ms) to a request sent in each second of the run; timeouts count as timeoutMs. */
  worstPerSecond: number[];
}

/**
 * The packets one socket sends, stored contiguously: a few objects instead of hundreds of
 * thousands, so the generator's own garbage collection does not show up as server latency.
 */
export interface PacketSet {
  data: Buffer;
  /** Packet k is data[offsets[k], offsets[k + 1]). */
  offsets: Uint32Array;
  count: number;
}

/** Builds a PacketSet of `count` packets from `make(k)`. */
export function packetSet(count: number, make: (k: number) => Buffer): PacketSet {
  const parts: Buffer[] = [];
  const offsets = new Uint32Array(count + 1);
  let at = 0;
  for (let k = 0; k < count; k++) {
    const p = make(k);
    parts.push(p);
    at += p.length;
    offsets[k + 1] = at;
  }
  return { data: Buffer.concat(parts, at), offsets, count };
}

export interface LoadOptions {
  host: string;
  port: number;
  /** One PacketSet per socket; packet k is sent with Identifier k % 256 (it is inside the packet's signature). */
  packets: PacketSet[];
  durationMs: number;
  /** Closed loop: requests kept in flight across all sockets (≤ 200 per socket). */
  concurrency?: number;
  /** Open loop: requests per second, instead of concurrency. */
  rate?: number;
  timeoutMs?: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const { host, port, packets, durationMs, timeoutMs = 1000 } = opts;
  const S = packets.length;
  const perSocket = opts.concurrency ? Math.min(200, Math.ceil(opts.concurrency / S)) : 200;
  const sockets = await Promise.all(
    packets.map(
      () =>
        new Promise<dgram.Socket>((resolve) => {
          const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
          s.bind(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const sentAt = packets.map(() => new Float64Array(256).fill(-1));
  const next = packets.map(() => 0);
  const inFlight = packets.map(() => 0);
  const latencies = new Float64Array(packets.reduce((n, p) => n + p.count, 0));
  let answeredCount = 0;
  const slowPerSecond: number[] = [];
  const worstPerSecond: number[] = [];
  const worst = (t0: number, ms: number): void => {
    const sec = Math.floor((t0 - start) / 1000);
    if (ms > (worstPerSecond[sec] ?? 0)) worstPerSecond[sec] = ms;
  };
  let sent = 0, answered = 0, timeouts = 0, late = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  let running = true;

  function sendOne(s: number): boolean {
    const set = packets[s]!;
    const k = next[s]!;
    if (k >= set.count) return false;
    const id = k % 256;
    if (sentAt[s]![id]! >= 0) return false; // that Identifier is still outstanding
    next[s] = k + 1;
    sentAt[s]![id] = performance.now();
    inFlight[s]!++;
    sent++;
    const from = set.offsets[k]!;
    sockets[s]!.send(set.data, from, set.offsets[k + 1]! - from, port, host);
    return true;
  }

  sockets.forEach((sock, s) => {
    sock.on('message', (msg) => {
      const id = msg[1]!;
      const t0 = sentAt[s]![id]!;
      if (t0 < 0) return; // late reply to a request already counted as timed out
      const ms = performance.now() - t0;
      sentAt[s]![id] = -1;
      inFlight[s]!--;
      answered++;
      latencies[answeredCount++] = ms;
      worst(t0, ms);
      if (ms > 5) {
        const sec = Math.floor((t0 - start) / 1000);
        slowPerSecond[sec] = (slowPerSecond[sec] ?? 0) + 1;
      }
      if (ms > 300) late++;
      if (running && !opts.rate) sendOne(s);
    });
  });

  const sweeper = setInterval(() => {
    const now = performance.now();
    for (let s = 0; s < S; s++) {
      for (let id = 0; id < 256; id++) {
        const t0 = sentAt[s]![id]!;
        if (t0 >= 0 && now - t0 > timeoutMs) {
          worst(t0, timeoutMs);
          sentAt[s]![id] = -1;
          inFlight[s]!--;
          timeouts++;
          if (running && !opts.rate) sendOne(s);
        }
      }
    }
  }, 50);

  if (opts.rate) {
    // Open loop: every millisecond, send what the schedule says is due.
    let due = 0;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const now = performance.now();
        if (now >= deadline) {
          clearInterval(tick);
          resolve();
          return;
        }
        const target = Math.floor(((now - start) / 1000) * opts.rate!);
        let s = due % S;
        while (due < target) {
          if (!sendOne(s)) break;
          due++;
          s = due % S;
        }
      }, 1);
    });
  } else {
    for (let s = 0; s < S; s++) for (let i = 0; i < perSocket; i++) sendOne(s);
    // Until the time is up or every packet is answered.
    const total = packets.reduce((n, p) => n + p.count, 0);
    while (performance.now() < deadline && answered + timeouts < total) await new Promise((r) => setTimeout(r, 5));
  }
  running = false;
  const seconds = (performance.now() - start) / 1000;
  // Give replies in flight a moment, then count the rest as timeouts.
  await new Promise((r) => setTimeout(r, Math.min(timeoutMs, 1000)));
  clearInterval(sweeper);
  for (let s = 0; s < S; s++) for (let id = 0; id < 256; id++) if (sentAt[s]![id]! >= 0) timeouts++;
  for (const sock of sockets) sock.close();
  const sorted = latencies.slice(0, answeredCount).sort();
  return {
    sent, answered, timeouts, late, seconds, latencies: sorted,
    slowPerSecond: Array.from(slowPerSecond, (n) => n ?? 0), worstPerSecond: Array.from(worstPerSecond, (n) => n ?? 0),
  };
}

/** The p-th percentile (0-100) of sorted latencies, in milliseconds. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
