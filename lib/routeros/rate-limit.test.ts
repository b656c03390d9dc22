/**
 * Mikrotik-Rate-Limit parsing against RouterOS's syntax (manual, "RADIUS Client"):
 * `rx-rate[/tx-rate] [rx-burst-rate[/tx-burst-rate] [rx-burst-threshold[/tx-burst-threshold]
 * [rx-burst-time[/tx-burst-time] [priority] [rx-rate-min[/tx-rate-min]]]]]`, k and M suffixes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRate, isValidRateLimit, parseRateLimit } from './rate-limit.js';

describe('parseRateLimit: valid RouterOS forms', () => {
  test('one rate applies to both directions', () => {
    assert.deepEqual(parseRateLimit('10M'), { rate: { rx: 10_000_000, tx: 10_000_000 } });
    assert.deepEqual(parseRateLimit('512k'), { rate: { rx: 512_000, tx: 512_000 } });
    assert.deepEqual(parseRateLimit('64000'), { rate: { rx: 64_000, tx: 64_000 } });
  });

  test('rx/tx: rx is the client upload, tx the client download', () => {
    const r = parseRateLimit('2M/10M');
    assert.deepEqual(r, { rate: { rx: 2_000_000, tx: 10_000_000 } });
  });

  test('the full six-field example from the RouterOS manual', () => {
    assert.deepEqual(parseRateLimit('2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M'), {
      rate: { rx: 2_000_000, tx: 10_000_000 },
      burstRate: { rx: 4_000_000, tx: 15_000_000 },
      burstThreshold: { rx: 1_500_000, tx: 8_000_000 },
      burstTime: { rx: 16, tx: 16 },
      priority: 8,
      rateMin: { rx: 1_000_000, tx: 5_000_000 },
    });
  });

  test('burst times may carry an s suffix, and a single value applies to both directions', () => {
    assert.deepEqual(parseRateLimit('2M/10M 4M/15M 1500k/8M 16s/8s')?.burstTime, { rx: 16, tx: 8 });
    assert.deepEqual(parseRateLimit('2M/10M 4M/15M 1500k/8M 10s')?.burstTime, { rx: 10, tx: 10 });
  });

  test('leading fields only: burst rate without threshold, and so on', () => {
    assert.deepEqual(parseRateLimit('2M/10M 4M/15M'), { rate: { rx: 2_000_000, tx: 10_000_000 }, burstRate: { rx: 4_000_000, tx: 15_000_000 } });
    assert.deepEqual(parseRateLimit('2M/10M 4M/15M 1500k/8M 16/16 1'), {
      rate: { rx: 2_000_000, tx: 10_000_000 },
      burstRate: { rx: 4_000_000, tx: 15_000_000 },
      burstThreshold: { rx: 1_500_000, tx: 8_000_000 },
      burstTime: { rx: 16, tx: 16 },
      priority: 1,
    });
  });

  test('surrounding and repeated white space is tolerated', () => {
    assert.deepEqual(parseRateLimit('  2M/10M   4M/15M \t'), parseRateLimit('2M/10M 4M/15M'));
  });

  test('k is also accepted as K, and decimal rates that give whole bits per second', () => {
    assert.deepEqual(parseRateLimit('512K/1.5M')?.rate, { rx: 512_000, tx: 1_500_000 });
  });
});

describe('parseRateLimit: invalid forms are refused', () => {
  const invalid: Array<[string, string]> = [
    ['', 'empty'],
    ['   ', 'blank'],
    ['abc', 'not a number'],
    ['10G', 'G is not a RouterOS suffix here (k and M only)'],
    ['10m', 'lower-case m'],
    ['10Mbps', 'a unit after the suffix'],
    ['-1M', 'negative'],
    ['1M/2M/3M', 'three values in a pair'],
    ['2M/', 'empty tx'],
    ['/2M', 'empty rx'],
    ['1.0005k', 'a fraction of a bit per second'],
    ['2M/10M 4M/15M 1500k/8M 16/16 0', 'priority 0'],
    ['2M/10M 4M/15M 1500k/8M 16/16 9', 'priority 9'],
    ['2M/10M 4M/15M 1500k/8M 16/16 1.5', 'fractional priority'],
    ['2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M 1', 'seven fields'],
    ['2M/10M 4M/15M 1500k/8M 16m/16', 'burst time in minutes'],
    ['2M/10M 4M/15M 1500k/8M 1.5s', 'fractional burst time'],
    ['2M/10M abc', 'bad burst rate'],
    ['2M/10M 4M/15M x', 'bad burst threshold'],
    ['2M/10M 4M/15M 1500k/8M 16/16 8 fast', 'bad minimum rate'],
  ];
  for (const [text, why] of invalid) {
    test(`${JSON.stringify(text)} (${why})`, () => {
      assert.equal(parseRateLimit(text), null);
      assert.equal(isValidRateLimit(text), false);
    });
  }
});

describe('isValidRateLimit', () => {
  test('true for the manual example, false for garbage', () => {
    assert.equal(isValidRateLimit('2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M'), true);
    assert.equal(isValidRateLimit('fast'), false);
  });
});

describe('formatRate', () => {
  test('writes rates the way RouterOS does', () => {
    assert.equal(formatRate(10_000_000), '10M');
    assert.equal(formatRate(1_500_000), '1500k');
    assert.equal(formatRate(512_000), '512k');
    assert.equal(formatRate(1_000), '1k');
    assert.equal(formatRate(999), '999');
    assert.equal(formatRate(1_000_500), '1000500');
    assert.equal(formatRate(0), '0');
  });

  test('round trips through the parser', () => {
    for (const bps of [0, 999, 1000, 64_000, 1_500_000, 10_000_000, 2_500_000_000]) {
      assert.equal(parseRateLimit(formatRate(bps))?.rate.rx, bps, String(bps));
    }
  });
});
