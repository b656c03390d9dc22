/**
 * Simulated traffic: rates that wander inside a limit, and counters that grow with them.
 *
 * A MikroTik rate limit (Mikrotik-Rate-Limit, MikroTik manual "RADIUS" / "Queues") reads
 * `rx/tx [burst…]` from the router's side: rx is what the router receives from the subscriber
 * (their upload), tx what it sends them (their download); `5M/10M` = 5 Mbit/s up, 10 Mbit/s down.
 */

export interface Rates {
  /** Bits per second the router receives (subscriber upload). */
  rx: number;
  /** Bits per second the router sends (subscriber download). */
  tx: number;
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9 };

/** One rate, `10M` → 10,000,000; NaN when unreadable. */
function parseRate(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKMG]?)$/.exec(s.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : NaN;
}

/** The max-limit of a rate limit (`5M/10M 8M/15M …` → 5 M rx, 10 M tx); `fallback` when absent or unreadable. */
export function parseRateLimit(limit: string | undefined, fallback: Rates = { rx: 10e6, tx: 10e6 }): Rates {
  const first = limit?.trim().split(/\s+/)[0];
  const [rx, tx] = (first ?? '').split('/').map(parseRate);
  if (rx === undefined || !(rx > 0)) return fallback;
  return { rx, tx: tx !== undefined && tx > 0 ? tx : rx };
}

/** The next second's rates: a random walk between 5 % and 95 % of `limit`. */
export function wander(current: Rates, limit: Rates, random: () => number = Math.random): Rates {
  const step = (v: number, max: number): number => Math.min(0.95 * max, Math.max(0.05 * max, v + (random() - 0.5) * 0.2 * max));
  return { rx: step(current.rx || limit.rx / 4, limit.rx), tx: step(current.tx || limit.tx / 2, limit.tx) };
}

/** Octets and packets received and sent (64-bit totals). */
export class Counters {
  rxOctets = 0n;
  txOctets = 0n;
  rxPackets = 0n;
  txPackets = 0n;

  /** Adds `seconds` of traffic at `rates` (packets of about 1,000 octets). */
  add(rates: Rates, seconds: number): void {
    const rx = BigInt(Math.round((rates.rx / 8) * seconds));
    const tx = BigInt(Math.round((rates.tx / 8) * seconds));
    this.rxOctets += rx;
    this.txOctets += tx;
    this.rxPackets += rx / 1000n;
    this.txPackets += tx / 1000n;
  }
}

/** A 64-bit total split for RADIUS: [octets mod 2^32, gigawords] (RFC 2869 §5.1-5.2). */
export function splitGigawords(total: bigint): [number, number] {
  return [Number(total & 0xffffffffn), Number((total >> 32n) & 0xffffffffn)];
}
