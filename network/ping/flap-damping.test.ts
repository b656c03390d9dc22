/** Flap damping: down after 3 missed rounds, up again after 2 answered ones, `since` at the change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dampen, unknownMemory, type ProbeMemory } from './flap-damping.js';

const T0 = new Date('2026-12-07T10:00:00Z');
const minute = (n: number): Date => new Date(T0.getTime() + n * 60_000);

/** Runs rounds (true = answered) from `start`, one a minute; the states after each. */
function rounds(start: ProbeMemory, seen: boolean[]): ProbeMemory[] {
  const out: ProbeMemory[] = [];
  let m = start;
  seen.forEach((alive, i) => out.push((m = dampen(m, alive, minute(i + 1)))));
  return out;
}

test('a new device is up at its first answer', () => {
  const [m] = rounds(unknownMemory(T0), [true]);
  assert.deepEqual(m, { state: 'up', since: minute(1), misses: 0, hits: 1 });
});

test('an up device goes down at the third missed round in a row, not before; since is that round', () => {
  const up: ProbeMemory = { state: 'up', since: T0, misses: 0, hits: 5 };
  const states = rounds(up, [false, false, false, false]);
  assert.deepEqual(states.map((s) => s.state), ['up', 'up', 'down', 'down']);
  assert.deepEqual(states[2], { state: 'down', since: minute(3), misses: 3, hits: 0 });
  assert.deepEqual(states[3]?.since, minute(3), 'since stays at the change');
});

test('a lost round between answers (flapping) never takes it down', () => {
  const up: ProbeMemory = { state: 'up', since: T0, misses: 0, hits: 5 };
  const states = rounds(up, [false, false, true, false, false, true, false]);
  assert.ok(states.every((s) => s.state === 'up' && s.since === T0));
});

test('a down device comes back after two answered rounds in a row; one answer between losses is not enough', () => {
  const down: ProbeMemory = { state: 'down', since: T0, misses: 7, hits: 0 };
  const states = rounds(down, [true, false, true, true]);
  assert.deepEqual(states.map((s) => s.state), ['down', 'down', 'down', 'up']);
  assert.deepEqual(states[3], { state: 'up', since: minute(4), misses: 0, hits: 2 });
});

test('a new device that never answers is down after three rounds', () => {
  const states = rounds(unknownMemory(T0), [false, false, false]);
  assert.deepEqual(states.map((s) => s.state), ['unknown', 'unknown', 'down']);
});

test('the thresholds are settable', () => {
  const up: ProbeMemory = { state: 'up', since: T0, misses: 0, hits: 1 };
  assert.equal(dampen(up, false, minute(1), { downAfter: 1, upAfter: 1 }).state, 'down');
});
