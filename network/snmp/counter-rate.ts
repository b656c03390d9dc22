/**
 * Traffic rates from two readings of an interface's octet counters (IF-MIB, RFC 2863 §3.1.6):
 * bits/s = Δoctets × 8 / Δt. Pure functions; the poller (./poll-device.ts) keeps the previous
 * reading per interface in `snmp_counters`.
 *
 * Counters are bigint end to end: a Counter64 (ifHCInOctets) passes 2^53 after ~2.3 years at
 * 1 Gbit/s and a JS number would round it. A counter that went down either wrapped (Counter32
 * after 2^32 octets, Counter64 after 2^64: add 2^bits) or was reset (the device rebooted or its
 * counters were cleared: the sample is skipped). RFC 2578 §7.1.6: "the value … has its maximum
 * value … it wraps around and starts increasing again from zero"; a discontinuity (reboot) makes
 * the delta meaningless. We call it a wrap when the wrapped delta is plausible for the link
 * (below 1.5 × its speed, or 10 Tbit/s when the speed is unknown), a reset otherwise, and always a
 * reset when sysUpTime went down.
 */

/** One interface's counters at one poll. `bits` says which counters: 64 (ifHC*Octets) or 32 (ifIn/OutOctets). */
export interface CounterSnapshot {
  inOctets: bigint;
  outOctets: bigint;
  bits: 32 | 64;
  /** When the poller got the answer. */
  at: Date;
  /** The device's sysUpTime in TimeTicks (1/100 s) at that poll. */
  uptimeTicks: number;
}

export type SkipReason =
  /** No previous reading (first poll, or the interface is new). */
  | 'first'
  /** The previous reading used the other counter width (HC counters appeared or went away). */
  | 'width-changed'
  /** sysUpTime went down: the device rebooted and its counters restarted from zero. */
  | 'reboot'
  /** No time passed between the two readings (clock went back, or a duplicate poll). */
  | 'no-time'
  /** 32-bit counters more than 300 s apart: they may have wrapped more than once. */
  | 'stale'
  /** The delta (after a possible wrap) is more than the link can carry: a counter reset. */
  | 'implausible';

export type RateResult =
  | { kind: 'rate'; inBps: number; outBps: number; wrapped: boolean }
  | { kind: 'skip'; reason: SkipReason };

/** Above this a rate is a counter discontinuity, whatever the link (10 Tbit/s). */
export const MAX_PLAUSIBLE_BPS = 10_000_000_000_000;
/** A link's counters may run up to this factor above its nominal speed before the delta is called a reset. */
export const SPEED_HEADROOM = 1.5;
/** Counter32 readings further apart than this are not compared (2^32 octets pass in 343 s at 100 Mbit/s). */
export const MAX_COUNTER32_GAP_MS = 300_000;

/**
 * The increase of a counter of width `bits` from `prev` to `cur`, assuming at most one wrap.
 * @returns `{ delta, wrapped }`; `wrapped` when `cur < prev` (delta = cur + 2^bits − prev).
 * @throws RangeError when a value is outside 0 … 2^bits − 1.
 */
export function counterDelta(prev: bigint, cur: bigint, bits: 32 | 64): { delta: bigint; wrapped: boolean } {
  const modulus = 1n << BigInt(bits);
  for (const v of [prev, cur]) {
    if (v < 0n || v >= modulus) throw new RangeError(`counter value ${v} outside Counter${bits}`);
  }
  return cur >= prev ? { delta: cur - prev, wrapped: false } : { delta: cur + modulus - prev, wrapped: true };
}

/** bits/s for `delta` octets over `ms` milliseconds (a float; exact enough for a graph). */
export function bitsPerSecond(delta: bigint, ms: number): number {
  return Number(delta * 8000n) / ms;
}

/**
 * The interface's in/out rates between two readings, or why there is none.
 * `speedBps`: the link speed (ifHighSpeed × 10^6 or ifSpeed); null or 0 when unknown.
 */
export function interfaceRate(prev: CounterSnapshot | undefined, cur: CounterSnapshot, speedBps: number | null): RateResult {
  if (!prev) return { kind: 'skip', reason: 'first' };
  if (prev.bits !== cur.bits) return { kind: 'skip', reason: 'width-changed' };
  if (cur.uptimeTicks < prev.uptimeTicks) return { kind: 'skip', reason: 'reboot' };
  const ms = cur.at.getTime() - prev.at.getTime();
  if (ms <= 0) return { kind: 'skip', reason: 'no-time' };
  if (cur.bits === 32 && ms > MAX_COUNTER32_GAP_MS) return { kind: 'skip', reason: 'stale' };
  const wrapLimit = speedBps && speedBps > 0 ? Math.min(speedBps * SPEED_HEADROOM, MAX_PLAUSIBLE_BPS) : MAX_PLAUSIBLE_BPS;
  const rates: number[] = [];
  let wrapped = false;
  for (const [p, c] of [
    [prev.inOctets, cur.inOctets],
    [prev.outOctets, cur.outOctets],
  ] as const) {
    const d = counterDelta(p, c, cur.bits);
    const bps = bitsPerSecond(d.delta, ms);
    if (bps > (d.wrapped ? wrapLimit : MAX_PLAUSIBLE_BPS)) return { kind: 'skip', reason: 'implausible' };
    wrapped ||= d.wrapped;
    rates.push(bps);
  }
  return { kind: 'rate', inBps: rates[0]!, outBps: rates[1]!, wrapped };
}
