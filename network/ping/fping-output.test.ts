/**
 * fping's `-C 3 -q` report, from real runs (test/fixtures/fping/: `fping -C 3 -q -p 20 -t 500 -i 1
 * -r 0` as root over 127.0.0.1, which answers, and TEST-NET addresses, which do not).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFpingOutput, summarizeProbes } from './fping-output.js';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/fping/${name}`, import.meta.url), 'utf8');

test('a round over a loopback target and two unreachable ones: replies in ms, "-" as lost, padding ignored', () => {
  const results = parseFpingOutput(fixture('loopback-and-unreachable.stderr.txt'));
  assert.deepEqual([...results.keys()], ['127.0.0.1', '192.0.2.77', '203.0.113.9']);
  assert.deepEqual(results.get('127.0.0.1'), [0.067, 0.054, 0.054]);
  assert.deepEqual(results.get('203.0.113.9'), [null, null, null]);
  assert.deepEqual(summarizeProbes(results.get('127.0.0.1'), 3), { alive: true, rttMs: 0.058, lossPct: 0 });
  assert.deepEqual(summarizeProbes(results.get('192.0.2.77'), 3), { alive: false, rttMs: null, lossPct: 100 });
});

test('a single target: no padding before the colon', () => {
  assert.deepEqual(parseFpingOutput(fixture('loopback-only.stderr.txt')), new Map([['127.0.0.1', [0.05, 0.052, 0.052]]]));
});

test('partial loss, IPv6 targets, error lines and a target missing from the report', () => {
  const results = parseFpingOutput([
    '10.0.0.1 : 1.20 - 3.40',
    '2001:db8::1 : - 0.5 -',
    '10.0.0.9: error while sending ping: No route to host',
    'ICMP Host Unreachable from 192.0.2.2 for ICMP Echo sent to 192.0.2.77',
    '',
  ].join('\n'));
  assert.deepEqual([...results.keys()], ['10.0.0.1', '2001:db8::1']);
  assert.deepEqual(summarizeProbes(results.get('10.0.0.1'), 3), { alive: true, rttMs: 2.3, lossPct: 33.3 });
  assert.deepEqual(summarizeProbes(results.get('2001:db8::1'), 3), { alive: true, rttMs: 0.5, lossPct: 66.7 });
  assert.deepEqual(summarizeProbes(results.get('10.0.0.9'), 3), { alive: false, rttMs: null, lossPct: 100 }, 'no report line: all lost');
});
