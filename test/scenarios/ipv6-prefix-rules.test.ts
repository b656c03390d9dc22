/**
 * The console's IPv6 rules (billing/subscriptions/ipv6-prefixes.ts, admin/plans/save-plan.ts) on a
 * real database: a static prefix is an IPv6 prefix with no host bits, PPPoE only, and overlaps no
 * prefix of another live subscription (either column) nor the subscription's own other prefix;
 * a terminated subscription's prefix is free again; the zod forms normalise what staff type.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { planForm, EMPTY_PLAN } from '../../admin/plans/save-plan.js';
import { parseSubscriptionForm } from '../../admin/subscriptions/subscription-form.js';
import { createSubscription as create } from '../../billing/subscriptions/create-subscription.js';
import { updateSubscription } from '../../billing/subscriptions/update-subscription.js';
import { TEST_SECRET_BOX, createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const ACTOR = { staffUserId: null, username: 'test', ip: null };
let web: WebServer;
let pppoePlan: number;
let hotspotPlan: number;
let customerId: number;

before(async () => {
  web = await startWebServer();
  const { db } = web.c;
  pppoePlan = (await createPlan(db, { name: 'PPPoE' })).id;
  hotspotPlan = (await createPlan(db, { name: 'HS', serviceType: 'hotspot' })).id;
  customerId = (await createCustomer(db)).id;
  const holder = await createSubscription(db, { customerId, planId: pppoePlan });
  await db('subscriptions').where({ id: holder.id }).update({ framed_ipv6_prefix: '2001:db8:0:1::/64', delegated_ipv6_prefix: '2001:db8:100::/56' });
  const gone = await createSubscription(db, { customerId, planId: pppoePlan, status: 'terminated' });
  await db('subscriptions').where({ id: gone.id }).update({ delegated_ipv6_prefix: '2001:db8:f00::/56' });
});
after(async () => {
  await web?.stop();
});

function newSub(over: { framed?: string | null; delegated?: string | null; plan?: number; service?: 'pppoe' | 'hotspot' }) {
  return web.engine.run((u) => create({ ...u, secrets: TEST_SECRET_BOX }, {
    customerId, planId: over.plan ?? pppoePlan, serviceType: over.service ?? 'pppoe', billingType: 'postpaid', anchorDay: 1, username: null,
    staticIp: null, macAddress: null, framedIpv6Prefix: over.framed ?? null, delegatedIpv6Prefix: over.delegated ?? null, actor: ACTOR,
  }));
}

test('a new subscription: overlaps with another live subscription, its own prefixes, and hotspot are refused', async () => {
  const errorsOf = async (o: Parameters<typeof newSub>[0]) => {
    const r = await newSub(o);
    return r.ok ? {} : 'errors' in r ? r.errors : { code: r.code };
  };
  assert.deepEqual(await errorsOf({ delegated: '2001:db8:100:80::/57' }), { delegated_ipv6_prefix: 'error.ipv6.taken' }, 'inside the other delegated /56');
  assert.deepEqual(await errorsOf({ framed: '2001:db8:100:1::/64' }), { framed_ipv6_prefix: 'error.ipv6.taken' }, 'framed inside the other delegated: across columns');
  assert.deepEqual(await errorsOf({ delegated: '2001:db8::/48' }), { delegated_ipv6_prefix: 'error.ipv6.taken' }, 'a /48 holding the other framed /64');
  assert.deepEqual(await errorsOf({ framed: '2001:db8:200::/64', delegated: '2001:db8:200::/56' }), { delegated_ipv6_prefix: 'error.ipv6.overlaps_own' });
  assert.deepEqual(await errorsOf({ delegated: '2001:db8:200::1/56' }), { delegated_ipv6_prefix: 'error.ipv6.prefix' }, 'host bits');
  assert.deepEqual(await errorsOf({ plan: hotspotPlan, service: 'hotspot', delegated: '2001:db8:300::/56' }), { delegated_ipv6_prefix: 'error.ipv6.hotspot' });
});

test('a free prefix is stored compressed; a terminated subscription\'s prefix is free again; an edit keeps or changes it', async () => {
  const r = await newSub({ framed: '2001:DB8:0:2:0:0:0:0/64', delegated: '2001:db8:f00::/56' });
  assert.ok(r.ok, JSON.stringify(r));
  const { db } = web.c;
  const row = await db('subscriptions').where({ id: r.subscriptionId })
    .first(db.raw('text(framed_ipv6_prefix) AS framed, text(delegated_ipv6_prefix) AS delegated, version, username'));
  assert.deepEqual([row.framed, row.delegated], ['2001:db8:0:2::/64', '2001:db8:f00::/56']);
  const edit = (ipv6?: { framedIpv6Prefix: string | null; delegatedIpv6Prefix: string | null }, version = Number(row.version)) => web.engine.run((u) => updateSubscription(u, {
    subscriptionId: r.subscriptionId, expectedVersion: version, username: row.username, staticIp: null, macAddress: null,
    serviceType: 'pppoe', anchorDay: 1, notes: null, actor: ACTOR, ipv6,
  }));
  const unchanged = await edit(undefined);
  assert.ok(unchanged.ok && unchanged.changed.length === 0, 'a form without the IPv6 fields leaves them');
  const taken = await edit({ framedIpv6Prefix: '2001:db8:0:1::/64', delegatedIpv6Prefix: null });
  assert.deepEqual(taken, { ok: false, code: 'invalid', errors: { framed_ipv6_prefix: 'error.ipv6.taken' } });
  const changed = await edit({ framedIpv6Prefix: null, delegatedIpv6Prefix: '2001:db8:f00::/56' });
  assert.ok(changed.ok && changed.routerTold, JSON.stringify(changed));
  assert.deepEqual(changed.ok && changed.changed, ['framed_ipv6_prefix']);
});

test('the forms: a prefix is normalised or refused; a hotspot plan takes no IPv6 pool', () => {
  const sub = parseSubscriptionForm({ plan_id: '1', service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '1', delegated_ipv6_prefix: ' 2001:DB8:700:0::/56 ', framed_ipv6_prefix: '' });
  assert.ok(sub.ok);
  assert.deepEqual([sub.fields.delegated_ipv6_prefix, sub.fields.framed_ipv6_prefix], ['2001:db8:700::/56', null]);
  for (const bad of ['2001:db8::/129', '2001:db8::1/64', '10.0.0.0/8', '2001:db8::']) {
    const r = parseSubscriptionForm({ plan_id: '1', service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '1', framed_ipv6_prefix: bad });
    assert.deepEqual(!r.ok && r.errors, { framed_ipv6_prefix: 'error.ipv6.prefix' }, bad);
  }
  const plan = { ...EMPTY_PLAN, name: 'HS', price: '10000', rate_limit: '1M/1M', service_type: 'hotspot', delegated_ipv6_pool: 'v6-pd' };
  const refused = planForm.safeParse(plan);
  assert.equal(refused.success, false);
  assert.deepEqual(refused.error?.issues.map((i) => [i.path[0], i.message]), [['delegated_ipv6_pool', 'error.ipv6.hotspot']]);
  const ok = planForm.safeParse({ ...plan, service_type: 'pppoe', framed_ipv6_pool: 'bad name' });
  assert.deepEqual(ok.error?.issues.map((i) => [i.path[0], i.message]), [['framed_ipv6_pool', 'error.plans.router_name']]);
  assert.equal(planForm.safeParse({ ...plan, service_type: 'pppoe' }).success, true);
});
