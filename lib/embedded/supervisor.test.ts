/**
 * supervise(): a child that dies is started again after the backoff, a start that fails is
 * retried, state() reports it, and stop() stops it for good. Children are `sleep` processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { pino } from 'pino';
import type { Logger } from '../logger.js';
import { supervise } from './supervisor.js';

const quiet: Logger = pino({ level: 'silent' });

function sleeper(): ChildProcess {
  return spawn('sleep', ['60'], { stdio: 'ignore' });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** Resolves when `check` holds, polling the state the supervisor exposes (no fixed sleep as synchronisation). */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a child killed with SIGKILL is started again; state() reports the exit and the restart', async () => {
  const started: ChildProcess[] = [];
  const s = await supervise({ name: 'test server', log: quiet, start: async () => { const c = sleeper(); started.push(c); return c; }, stop, backoffMs: [50] });
  try {
    assert.equal(s.state().running, true);
    started[0]!.kill('SIGKILL');
    await until(() => s.state().restarts === 1 && s.state().running, 'the restart');
    const st = s.state();
    assert.equal(st.pid, started[1]!.pid);
    assert.equal(st.lastExit?.signal, 'SIGKILL');
    assert.equal(st.nextStartAt, null);
  } finally {
    await s.stop();
  }
  assert.equal(started.length, 2);
  assert.ok(started.every((c) => c.exitCode !== null || c.signalCode !== null), 'stop() stopped the running child');
});

test('a start that fails is retried with the next backoff until it succeeds', async () => {
  let attempts = 0;
  const children: ChildProcess[] = [];
  const s = await supervise({
    name: 'test server', log: quiet, backoffMs: [20, 40],
    start: async () => {
      attempts++;
      if (attempts === 2 || attempts === 3) throw new Error('port in use');
      const c = sleeper();
      children.push(c);
      return c;
    },
    stop,
  });
  try {
    children[0]!.kill('SIGKILL');
    await until(() => !s.state().running, 'the exit');
    assert.ok(s.state().nextStartAt, 'while down, the next attempt is announced');
    await until(() => s.state().running, 'the restart after two failed starts');
    assert.equal(attempts, 4);
    assert.equal(s.state().restarts, 1);
  } finally {
    await s.stop();
  }
});

test('stop() is final: the child is stopped and not started again', async () => {
  let starts = 0;
  const s = await supervise({ name: 'test server', log: quiet, start: async () => { starts++; return sleeper(); }, stop, backoffMs: [10] });
  const pid = s.state().pid!;
  await s.stop();
  assert.equal(s.state().running, false);
  assert.throws(() => process.kill(pid, 0), 'the child is gone');
  await new Promise((r) => setTimeout(r, 100)); // longer than the backoff: a restart would have happened by now
  assert.equal(starts, 1);
});
