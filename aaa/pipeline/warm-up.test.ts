/**
 * The Access-Request warm-up (warm-up.ts): it answers its requests over loopback through the real
 * pipeline, ends at its deadline when replies stop, and leaves nothing in the radius role it runs
 * in: no request counted in /metrics, no post-auth row (its wrong passwords would be logged as
 * rejects under the default RADIUS_POST_AUTH_LOG=reject), no socket left open.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { createSecretBox } from '../../lib/secret-box.js';
import { startRadiusStack } from '../../test/helpers/radius-stack.js';
import { warmUpAccessPath } from './warm-up.js';

const base = {
  secrets: createSecretBox(randomBytes(32)), timeZone: 'Asia/Jakarta', clock: systemClock, log: createLogger('silent'), interimInterval: 300, staleAfterMs: 900_000,
};
const udpSockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;

test('answers every request it sends, then closes its sockets', async () => {
  const before = udpSockets();
  const r = await warmUpAccessPath({ ...base, requests: 2000 });
  assert.equal(r.answered, 2000);
  assert.ok(r.ms > 0 && r.ms < 10_000, `${r.ms} ms`);
  // A closed handle is released in a later turn of the event loop.
  for (let i = 0; i < 50 && udpSockets() > before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(udpSockets(), before);
});

test('0 requests: no warm-up at all', async () => {
  assert.deepEqual(await warmUpAccessPath({ ...base, requests: 0 }), { answered: 0, ms: 0 });
});

test('ends at its deadline, without throwing, when it cannot finish', async () => {
  const r = await warmUpAccessPath({ ...base, requests: 1_000_000, deadlineMs: 300 });
  assert.ok(r.answered > 0 && r.answered < 1_000_000, `${r.answered} answered`);
  assert.ok(r.ms >= 300 && r.ms < 3000, `${r.ms} ms`);
});

test('a radius role starts warmed up, with nothing of the warm-up in its metrics or post-auth log', async (t) => {
  const stack = await startRadiusStack({ env: { RADIUS_WARM_UP_REQUESTS: '3000' } });
  t.after(() => stack.stop());
  await stack.radius.flushPostAuth();
  assert.equal(await stack.metric('radius_requests_total', { type: 'access', result: 'accept' }), 0);
  assert.equal(await stack.metric('radius_requests_total', { type: 'access', result: 'reject' }), 0);
  assert.equal(await stack.histogramCount('radius_request_duration_seconds'), 0);
  const { rows } = await stack.c.db.raw<{ rows: Array<{ n: string }> }>('SELECT count(*) AS n FROM post_auth_log');
  assert.equal(Number(rows[0]!.n), 0);
});
