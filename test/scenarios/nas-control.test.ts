/**
 * Suspension, soft limit and reactivation reach the router: billing commits a change and
 * enqueues a `nas-control` job (lib/jobs.ts); the radius role consumes it and sends a
 * Disconnect-Request or CoA-Request (RFC 5176) to a NAS emulator that verifies the Request
 * Authenticator and Message-Authenticator with the shared secret, independently of aaa/codec.
 * The session was opened by radclient as a real NAS would.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queue } from 'bullmq';
import { enqueueNasControl } from '../../lib/jobs.js';
import { QUEUES } from '../../lib/queue.js';
import { createNas, createPlan, createSubscription } from '../helpers/factories.js';
import { startNasEmulator, type NasEmulator, type ReceivedRequest } from '../helpers/nas-emulator.js';
import { radclient } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';

const SECRET = 'coa-secret-3141';
let stack: RadiusStack;
let nas: NasEmulator;
let sub: { id: number; username: string; password: string };

async function login(sessionId: string, framedIp: string): Promise<void> {
  const accept = await radclient({ port: stack.radius.ports.authPort, secret: SECRET, type: 'auth', attributes: [`User-Name = "${sub.username}"`, `User-Password = "${sub.password}"`, 'Message-Authenticator = 0x00'] });
  assert.equal(accept.code, 'Access-Accept');
  const cls = accept.attributes.find(([n]) => n === 'Class')![1];
  const start = await radclient({
    port: stack.radius.ports.acctPort, secret: SECRET, type: 'acct',
    attributes: [`User-Name = "${sub.username}"`, 'Acct-Status-Type = Start', `Acct-Session-Id = "${sessionId}"`, `Framed-IP-Address = ${framedIp}`, `Class = ${cls}`],
  });
  assert.equal(start.code, 'Accounting-Response');
}

/** What the router does after a Disconnect: it reports the session stopped. */
async function stopped(sessionId: string): Promise<void> {
  const stop = await radclient({
    port: stack.radius.ports.acctPort, secret: SECRET, type: 'acct',
    attributes: [`User-Name = "${sub.username}"`, 'Acct-Status-Type = Stop', `Acct-Session-Id = "${sessionId}"`, 'Acct-Terminate-Cause = Admin-Reset'],
  });
  assert.equal(stop.code, 'Accounting-Response');
  await stack.radius.sync.settled();
}

async function waitFor(pred: () => ReceivedRequest | undefined, ms = 8000): Promise<ReceivedRequest> {
  const until = Date.now() + ms;
  for (;;) {
    const r = pred();
    if (r) return r;
    if (Date.now() > until) throw new Error(`nothing matching reached the NAS: ${JSON.stringify(nas.received)}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

/**
 * Resolves once `queue` holds no job to run (none waiting, delayed or active): every job added so
 * far has been processed, and the processor awaits the NAS's answer, so what it sent has arrived.
 */
async function queueIdle(queue: Queue, ms = 8000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > until) throw new Error(`nas-control jobs still pending: ${JSON.stringify(counts)}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

before(async () => {
  nas = await startNasEmulator({ secret: SECRET });
  stack = await startRadiusStack({
    before: async (c) => {
      await createNas(c.db, { secret: SECRET, coaPort: nas.port });
      const plan = await createPlan(c.db, { rateLimit: '10M/20M', softLimitRateLimit: '1M/2M' });
      sub = await createSubscription(c.db, { planId: plan.id, password: 'coa-pw' });
    },
  });
});

after(async () => {
  await stack.stop();
  await nas.close();
});

test('suspension: the live session gets a Disconnect-Request identifying it, within 5 seconds', async () => {
  await login('coa-1', '100.64.1.1');
  const t0 = Date.now();
  await stack.c.db('subscriptions').where({ id: sub.id }).update({ status: 'suspended' });
  await enqueueNasControl(stack.c.queues.queue(QUEUES.nasControl), { subscriptionId: sub.id, reason: 'suspended' }, 'suspend-1');
  const r = await waitFor(() => nas.received.find((x) => x.kind === 'disconnect' && nas.attr(x, 'Acct-Session-Id') === 'coa-1'));
  assert.ok(Date.now() - t0 < 5000, `${Date.now() - t0} ms`);
  assert.equal(nas.attr(r, 'User-Name'), sub.username);
  assert.equal(nas.attr(r, 'Framed-IP-Address'), '100.64.1.1');
  assert.ok(r.messageAuthenticator, 'it carries a Message-Authenticator (RFC 5176 §3.3)');
  assert.equal(nas.dropped, 0, 'every request verified with the shared secret (node:crypto, not aaa/codec)');
  await stopped('coa-1');
});

test('reactivation from the walled garden disconnects again, so the subscriber logs back in with the plan', async () => {
  // The subscriber reconnected, into the walled garden.
  await login('coa-2', '100.64.1.2');
  await stack.c.db('subscriptions').where({ id: sub.id }).update({ status: 'active' });
  await enqueueNasControl(stack.c.queues.queue(QUEUES.nasControl), { subscriptionId: sub.id, reason: 'reactivated' }, 'reactivate-1');
  const r = await waitFor(() => nas.received.find((x) => x.kind === 'disconnect' && nas.attr(x, 'Acct-Session-Id') === 'coa-2'));
  assert.equal(nas.attr(r, 'User-Name'), sub.username);
  await stopped('coa-2');
});

test('soft limit: a session that may stay gets a CoA-Request with the slower Mikrotik-Rate-Limit', async () => {
  await login('coa-3', '100.64.1.3');
  await stack.c.db('subscriptions').where({ id: sub.id }).update({ status: 'soft_limited' });
  await enqueueNasControl(stack.c.queues.queue(QUEUES.nasControl), { subscriptionId: sub.id, reason: 'soft_limit' }, 'soft-1');
  const r = await waitFor(() => nas.received.find((x) => x.kind === 'coa' && nas.attr(x, 'Acct-Session-Id') === 'coa-3'));
  assert.equal(nas.attr(r, 'Mikrotik-Rate-Limit'), '1M/2M');
  assert.equal(nas.attr(r, 'User-Name'), sub.username);
  assert.ok(r.messageAuthenticator, 'the CoA-Request carries a Message-Authenticator');
  assert.equal(nas.dropped, 0);
  assert.ok(!nas.received.some((x) => x.kind === 'disconnect' && nas.attr(x, 'Acct-Session-Id') === 'coa-3'), 'no disconnect when the CoA is acknowledged');
});

test('the same change enqueued twice reaches the NAS once (idempotent job id)', async () => {
  const queue = stack.c.queues.queue(QUEUES.nasControl);
  const before = nas.received.length;
  await enqueueNasControl(queue, { subscriptionId: sub.id, reason: 'soft_limit' }, 'dup-key');
  await enqueueNasControl(queue, { subscriptionId: sub.id, reason: 'soft_limit' }, 'dup-key');
  await waitFor(() => (nas.received.length > before ? nas.received.at(-1) : undefined));
  // Both adds are in Redis: once no job is left to run, a second one would have reached the NAS.
  await queueIdle(queue);
  const sent = nas.received.slice(before).filter((x) => nas.attr(x, 'Acct-Session-Id') === 'coa-3');
  assert.equal(sent.length, 1, JSON.stringify(sent));
});
