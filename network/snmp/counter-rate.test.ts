/**
 * Rates from IF-MIB octet counters (RFC 2863 §3.1.6): deltas, 32- and 64-bit wraps at their very
 * edge, reboots and counter resets skipped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterDelta, interfaceRate, type CounterSnapshot } from './counter-rate.js';

const T0 = new Date('2026-12-07T10:00:00Z');
const MAX32 = 2n ** 32n - 1n;
const MAX64 = 2n ** 64n - 1n;

function snap(inOctets: bigint, outOctets: bigint, bits: 32 | 64, secondsAfter: number, uptimeTicks: number): CounterSnapshot {
  return { inOctets, outOctets, bits, at: new Date(T0.getTime() + secondsAfter * 1000), uptimeTicks };
}

describe('counterDelta', () => {
  it('is the plain difference while the counter grows', () => {
    assert.deepEqual(counterDelta(100n, 250n, 32), { delta: 150n, wrapped: false });
  });

  it('adds 2^32 when a Counter32 wraps: 2^32−1 → 5 is 6 octets', () => {
    assert.deepEqual(counterDelta(MAX32, 5n, 32), { delta: 6n, wrapped: true });
  });

  it('adds 2^64 when a Counter64 wraps: 2^64−1 → 10 is 11 octets, exactly (bigint)', () => {
    assert.deepEqual(counterDelta(MAX64, 10n, 64), { delta: 11n, wrapped: true });
    // Above 2^53 a JS number could not tell these apart.
    assert.deepEqual(counterDelta(2n ** 60n + 1n, 2n ** 60n + 3n, 64), { delta: 2n, wrapped: false });
  });

  it('refuses values outside the counter width', () => {
    assert.throws(() => counterDelta(0n, 2n ** 32n, 32), RangeError);
    assert.throws(() => counterDelta(-1n, 0n, 64), RangeError);
  });
});

describe('interfaceRate', () => {
  it('gives bits/s = Δoctets × 8 / Δt', () => {
    const r = interfaceRate(snap(1_000n, 2_000n, 64, 0, 100), snap(7_501_000n, 752_000n, 64, 60, 6100), 1e9);
    assert.deepEqual(r, { kind: 'rate', inBps: 1_000_000, outBps: 100_000, wrapped: false });
  });

  it('computes across a 32-bit wrap (2^32−1 → 5)', () => {
    const r = interfaceRate(snap(MAX32, 10n, 32, 0, 100), snap(5n, 10n, 32, 2, 300), 1e9);
    assert.deepEqual(r, { kind: 'rate', inBps: 24, outBps: 0, wrapped: true }); // 6 octets × 8 / 2 s
  });

  it('computes across a 64-bit wrap (2^64−1 → 10)', () => {
    const r = interfaceRate(snap(MAX64, MAX64 - 4n, 64, 0, 100), snap(10n, 0n, 64, 1, 200), 10e9);
    assert.deepEqual(r, { kind: 'rate', inBps: 88, outBps: 40, wrapped: true });
  });

  it('keeps precision for counters above 2^53', () => {
    const base = 2n ** 62n;
    const r = interfaceRate(snap(base, base, 64, 0, 0), snap(base + 1_250_000n, base + 1n, 64, 10, 1000), null);
    assert.deepEqual(r, { kind: 'rate', inBps: 1_000_000, outBps: 0.8, wrapped: false });
  });

  it('skips the sample after a reboot (sysUpTime went down), even if the counters grew', () => {
    const r = interfaceRate(snap(1_000n, 1_000n, 64, 0, 500_000), snap(9_000n, 9_000n, 64, 60, 3_000), 1e9);
    assert.deepEqual(r, { kind: 'skip', reason: 'reboot' });
  });

  it('calls a 32-bit drop a reset, not a wrap, when the wrapped delta exceeds the link', () => {
    // 3e9 → 100 on a 100 Mbit/s link in 60 s would be 172 Mbit/s: a counter reset.
    const r = interfaceRate(snap(3_000_000_000n, 0n, 32, 0, 100), snap(100n, 0n, 32, 60, 6100), 100e6);
    assert.deepEqual(r, { kind: 'skip', reason: 'implausible' });
  });

  it('calls a 64-bit drop far from 2^64 a reset (cleared counters without a reboot)', () => {
    const r = interfaceRate(snap(5_000_000_000_000n, 0n, 64, 0, 100), snap(100n, 0n, 64, 60, 6100), null);
    assert.deepEqual(r, { kind: 'skip', reason: 'implausible' });
  });

  it('skips without a previous reading, on a width change, and without elapsed time', () => {
    const cur = snap(10n, 10n, 64, 60, 6100);
    assert.deepEqual(interfaceRate(undefined, cur, null), { kind: 'skip', reason: 'first' });
    assert.deepEqual(interfaceRate(snap(1n, 1n, 32, 0, 100), cur, null), { kind: 'skip', reason: 'width-changed' });
    assert.deepEqual(interfaceRate(snap(1n, 1n, 64, 60, 100), cur, null), { kind: 'skip', reason: 'no-time' });
  });

  it('does not compare 32-bit readings more than 300 s apart (they may have wrapped twice)', () => {
    const r = interfaceRate(snap(1n, 1n, 32, 0, 100), snap(5n, 5n, 32, 301, 30_200), null);
    assert.deepEqual(r, { kind: 'skip', reason: 'stale' });
  });
});
