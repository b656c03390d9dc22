/**
 * Importing existing users (billing/import/): a RouterOS export of 200 PPP secrets over 5
 * profiles (RouterOS 6 and 7 syntax), the dry run, the commit, logins with the original
 * passwords (PAP and CHAP) answered with the profile's Mikrotik-Rate-Limit, a second run that
 * changes nothing, a changed source that updates only what changed, billing from the next
 * period, the customers CSV through `npm run import`, a live router over the RouterOS API, a
 * daloRADIUS SQL dump and a phpnuxbill one (test/fixtures/import/phpnuxbill.sql), and the console screen.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commitImport } from '../../billing/import/commit-import.js';
import { batchFromFile } from '../../billing/import/file-sources.js';
import type { ImportBatch } from '../../billing/import/import-model.js';
import { planImport } from '../../billing/import/plan-import.js';
import { importBatchFromExport } from '../../billing/import/routeros-export.js';
import { readLiveRouterOs } from '../../billing/import/routeros-live.js';
import { FIXTURE_PROFILES, fixtureSecrets, routerOsExport } from '../fixtures/import/routeros-export-fixture.js';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { testRedisUrl } from '../helpers/database.js';
import { createNas, TEST_SECRET_BOX, TEST_SECRET_KEY } from '../helpers/factories.js';
import { startFakeRouterOs } from '../helpers/fake-routeros.js';
import { chapPassword, radclient } from '../helpers/radclient.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACTOR = { staffUserId: null, username: 'test import', ip: null };
let stack: BillingStack;

before(async () => {
  // 7 Dec 2026, 10:00 in Jakarta.
  stack = await startBillingStack({ start: '2026-12-07T03:00:00Z' });
});

after(async () => {
  await stack?.stop();
});

const secrets = fixtureSecrets(200);

async function commit(batch: ImportBatch) {
  const preview = await stack.engine.run((u) => commitImport({ ...u, secrets: TEST_SECRET_BOX }, batch, { actor: ACTOR, anchorDay: 1, nas: '127.0.0.1', label: 'test' }));
  await stack.radius.sync.settled();
  return preview;
}

async function counts(): Promise<Record<string, number>> {
  const { rows } = await stack.c.db.raw(`SELECT (SELECT count(*) FROM plans)::int AS plans, (SELECT count(*) FROM customers)::int AS customers,
    (SELECT count(*) FROM subscriptions)::int AS subscriptions, (SELECT count(*) FROM audit_log)::int AS audit, (SELECT count(*) FROM invoices)::int AS invoices`);
  return rows[0];
}

const pap = (username: string, password: string) => radclient({
  port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
  attributes: [`User-Name = "${username}"`, `User-Password = "${password}"`, 'Message-Authenticator = 0x00'],
});

const chap = (username: string, password: string) => {
  const challenge = randomBytes(16);
  return radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${username}"`, `CHAP-Password = 0x${chapPassword(password, challenge).toString('hex')}`,
      `CHAP-Challenge = 0x${challenge.toString('hex')}`, 'Message-Authenticator = 0x00'],
  });
};

const attr = (r: { attributes: Array<[string, string]> }, name: string) => r.attributes.find(([n]) => n === name)?.[1];
const rateOf = (profile: string) => FIXTURE_PROFILES.find((p) => p.name === profile)!.rateLimit;

test('a RouterOS 6 export of 200 secrets in 5 profiles: the dry run writes nothing, the commit creates them all in one go', async () => {
  const batch = importBatchFromExport(routerOsExport(secrets, 6));
  const dry = await planImport(stack.c.db, TEST_SECRET_BOX, batch);
  assert.deepEqual(dry.counts, { create: 5 + 200 + 200, update: 0, unchanged: 0, conflicts: 0, refused: 0 });
  assert.deepEqual(await counts(), { plans: 0, customers: 0, subscriptions: 0, audit: 0, invoices: 0 }, 'the dry run wrote nothing');

  const done = await commit(batch);
  assert.deepEqual(done.counts, dry.counts);
  const c = await counts();
  assert.deepEqual([c.plans, c.customers, c.subscriptions], [5, 200, 200]);
  assert.equal(c.audit, 405 + 1, 'one audit row per object and one for the import');
  const plans = await stack.c.db('plans').orderBy('name').select('name', 'rate_limit', 'price', 'framed_pool');
  assert.deepEqual(plans.map((p) => [p.name, p.rate_limit, Number(p.price)]), FIXTURE_PROFILES.map((p) => [p.name, p.rateLimit, 0]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  const suspended = await stack.c.db('subscriptions').where({ status: 'suspended', status_reason: 'import_disabled' }).pluck('username');
  assert.deepEqual(suspended.sort(), secrets.filter((s) => s.disabled).map((s) => s.name));
  const withComment = await stack.c.db('customers').where({ name: 'Pelanggan 1 – Désa Cibiru' }).first('id');
  assert.ok(withComment, 'the comment is the customer name, escapes decoded');
});

test('imported users log in with their original passwords, PAP and CHAP, and get their profile\'s Mikrotik-Rate-Limit and static address', async () => {
  const tricky = secrets[0]!; // password `p"a\ss$ 0?`, static address, profile paket-5M
  const r1 = await chap(tricky.name, tricky.password);
  assert.equal(r1.code, 'Access-Accept', r1.stdout);
  assert.equal(attr(r1, 'Mikrotik-Rate-Limit'), rateOf(tricky.profile));
  assert.equal(attr(r1, 'Framed-IP-Address'), tricky.staticIp);
  const plain = secrets[1]!; // paket-10M, a rate limit with burst
  const r2 = await pap(plain.name, plain.password);
  assert.equal(r2.code, 'Access-Accept', r2.stdout);
  assert.equal(attr(r2, 'Mikrotik-Rate-Limit'), rateOf(plain.profile));
  const onDefault = secrets[4]!; // the built-in default profile, rate set with `set *0`
  assert.equal(onDefault.profile, 'default');
  const r3 = await chap(onDefault.name, onDefault.password);
  assert.equal(r3.code, 'Access-Accept', r3.stdout);
  assert.equal(attr(r3, 'Mikrotik-Rate-Limit'), '512k/1M');
  assert.equal((await pap(plain.name, 'wrong-password')).code, 'Access-Reject');
});

test('the same users exported by RouterOS 7 change nothing; a changed password and rate limit update just those', async () => {
  const before = await counts();
  const again = await commit(importBatchFromExport(routerOsExport(secrets, 7)));
  assert.deepEqual(again.counts, { create: 0, update: 0, unchanged: 405, conflicts: 0, refused: 0 });
  assert.deepEqual(await counts(), { ...before, audit: before.audit! + 1 }, 'only the import_committed row');

  const changed = secrets.map((s, i) => (i === 1 ? { ...s, password: 'BaruSekali99' } : s));
  const text = routerOsExport(changed, 7).replace('rate-limit=10M/20M', 'rate-limit=12M/24M');
  const update = await commit(importBatchFromExport(text));
  assert.deepEqual(update.counts, { create: 0, update: 2, unchanged: 403, conflicts: 0, refused: 0 });
  assert.deepEqual(update.subscriptions.filter((s) => s.action === 'update').map((s) => [s.row.username, s.changed]), [[secrets[1]!.name, ['password']]]);
  assert.equal((await pap(secrets[1]!.name, secrets[1]!.password)).code, 'Access-Reject', 'the old password no longer works');
  assert.equal((await pap(secrets[1]!.name, 'BaruSekali99')).code, 'Access-Accept');
  const on20 = secrets.find((s) => s.profile === 'paket-20M')!;
  assert.equal(attr(await pap(on20.name, on20.password), 'Mikrotik-Rate-Limit'), '12M/24M');
  const audit = await stack.c.db('audit_log').where({ action: 'subscription_updated' }).first('after');
  assert.equal(JSON.stringify(audit.after).includes('BaruSekali99'), false, 'no password in the audit');
});

test('imported subscriptions are billed from their next period, not now', async () => {
  await stack.engine.generateInvoices();
  assert.equal((await counts()).invoices, 0, 'nothing billed before the next period (1 Jan, anchor day 1)');
  const sub = await stack.c.db('subscriptions').where({ username: secrets[1]!.name }).first(stack.c.db.raw("to_char(paid_until AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI') AS paid"));
  assert.equal(sub.paid, '2027-01-01 00:00');
  stack.clock.set('2026-12-26T03:00:00Z'); // within the 7-day lead time of 1 Jan
  await stack.engine.generateInvoices();
  const { rows } = await stack.c.db.raw("SELECT DISTINCT to_char(period_start, 'YYYY-MM-DD') AS start FROM invoices");
  assert.deepEqual(rows.map((r: { start: string }) => r.start), ['2027-01-01']);
  assert.equal((await counts()).invoices, 200, 'one invoice per imported subscription, for the period from 1 Jan');
});

test('the customers CSV through `npm run import`: --dry-run writes nothing, then the commit; conflicts and refusals are reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-csv-'));
  const file = path.join(dir, 'pelanggan.csv');
  fs.writeFileSync(file, [
    'customer_key;customer_name;phone;username;password;plan;rate_limit;price;static_ip;disabled',
    'K-77;Ibu Sari;0812111222;sari-rumah;Sari#1;Kantor 30M;15M/30M;Rp 300.000;;no',
    'K-77;;;sari-toko;Toko$2;Kantor 30M;;;;ya',
    'K-78;Pak Dedi;;dedi;d3di;paket-5M;;;10.77.0.2;no',
    'K-79;Salah;;PLG001;x;paket-5M;;;;no',
    ';;;;nopass;paket-5M;;;;',
  ].join('\n'));
  const before = await counts();
  const env = {
    ...process.env, DATABASE_URL: stack.c.testDb.url, REDIS_URL: testRedisUrl(), APP_SECRET_KEY: TEST_SECRET_KEY.toString('hex'),
    QUEUE_PREFIX: stack.c.config.QUEUE_PREFIX, LOG_LEVEL: 'warn', ISP_TIME_ZONE: 'Asia/Jakarta',
  };
  const run = (args: string[]) => new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/import.ts', ...args], { cwd: ROOT, env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
  const dry = await run(['csv', '--file', file, '--dry-run', '--nas', '127.0.0.1']);
  assert.equal(dry.code, 0, dry.out);
  assert.match(dry.out, /Dry run, nothing written: 4 to create, 0 to update, 0 unchanged, 2 conflicts, 1 refused\./);
  assert.match(dry.out, /conflict\s+static_ip_taken .*dedi: 10\.77\.0\.2/);
  assert.match(dry.out, /conflict\s+username_case .*PLG001/);
  assert.doesNotMatch(dry.out, /Sari#1|Toko\$2/, 'passwords are never printed');
  assert.deepEqual(await counts(), before);

  const done = await run(['csv', '--file', file]);
  assert.equal(done.code, 0, done.out);
  assert.match(done.out, /Committed: 4 created/);
  const rows = await stack.c.db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id').join('plans as p', 'p.id', 's.plan_id')
    .whereIn('s.username', ['sari-rumah', 'sari-toko']).orderBy('s.username').select('s.username', 's.status', 's.password_enc', 'c.name', 'c.phone', 's.customer_id', 'p.name as plan', 'p.price');
  assert.deepEqual(rows.map((r) => [r.username, r.status, TEST_SECRET_BOX.open(r.password_enc), r.name, r.phone, r.plan, Number(r.price)]), [
    ['sari-rumah', 'active', 'Sari#1', 'Ibu Sari', '0812111222', 'Kantor 30M', 300000],
    ['sari-toko', 'suspended', 'Toko$2', 'Ibu Sari', '0812111222', 'Kantor 30M', 300000],
  ]);
  assert.equal(rows[0].customer_id, rows[1].customer_id, 'one customer for one customer_key');
  assert.equal((await pap('sari-rumah', 'Sari#1')).code, 'Access-Accept');
  const again = await run(['csv', '--file', file]);
  assert.match(again.out, /Committed: 0 created, 0 updated, 4 unchanged/);
});

test('a live MikroTik over the RouterOS API: secrets and profiles printed, imported, a second run changes nothing', async () => {
  const router = await startFakeRouterOs({
    users: { api: 'api-pass' },
    printMenus: {
      '/ppp/profile': [{ name: 'default', 'rate-limit': '' }, { name: 'live-15M', 'rate-limit': '7M/15M', 'remote-address': 'pool-live' }],
      '/ppp/secret': [
        { name: 'live-a', password: 'Api$Pass 1', profile: 'live-15M', service: 'pppoe', 'remote-address': '10.88.0.9', disabled: 'false', comment: 'Warung Bu Tini' },
        { name: 'live-b', password: 'b', profile: 'live-15M', service: 'any', disabled: 'true' },
        { name: 'live-c', profile: 'live-15M', service: 'pppoe', disabled: 'false' },
      ],
    },
  });
  try {
    await createNas(stack.c.db, { name: 'Router Live', ipAddress: '10.20.0.9', routerosUsername: 'api', routerosPassword: 'api-pass', routerosApiHost: '127.0.0.1', routerosApiPort: router.port });
    const live = await readLiveRouterOs({ db: stack.c.db, secrets: TEST_SECRET_BOX }, '10.20.0.9');
    assert.ok(live.ok, JSON.stringify(live));
    assert.deepEqual(live.batch.refused.map((r) => [r.reason, r.detail]), [['no_password', 'live-c']], 'a secret the API user may not read the password of');
    const done = await commit(live.batch);
    assert.deepEqual(done.counts, { create: 1 + 2 + 2, update: 0, unchanged: 0, conflicts: 0, refused: 1 });
    const a = await stack.c.db('subscriptions').where({ username: 'live-a' }).first('status', 'notes', stack.c.db.raw('host(static_ip) AS ip'));
    assert.deepEqual(a, { status: 'active', notes: 'Warung Bu Tini', ip: '10.88.0.9' });
    assert.equal((await stack.c.db('subscriptions').where({ username: 'live-b' }).first('status')).status, 'suspended');
    const r = await pap('live-a', 'Api$Pass 1');
    assert.equal(r.code, 'Access-Accept', r.stdout);
    assert.equal(attr(r, 'Mikrotik-Rate-Limit'), '7M/15M');
    const second = await readLiveRouterOs({ db: stack.c.db, secrets: TEST_SECRET_BOX }, '10.20.0.9');
    assert.ok(second.ok);
    assert.deepEqual((await commit(second.batch)).counts, { create: 0, update: 0, unchanged: 5, conflicts: 0, refused: 1 });
    assert.ok(router.sentences.some((s) => s[0] === '/ppp/secret/print'));
    assert.equal(router.sentences.some((s) => /\/(add|set|remove)$/.test(s[0] ?? '')), false, 'nothing on the router changes');
  } finally {
    await router.close();
  }
});

test('a daloRADIUS SQL dump: the user logs in (PAP and CHAP) with the Cleartext-Password and gets the group\'s rate limit; a second run changes nothing', async () => {
  const dump = [
    'CREATE TABLE `radcheck` (\n  `id` int,\n  `username` varchar(64),\n  `attribute` varchar(64),\n  `op` char(2),\n  `value` varchar(253)\n);',
    "INSERT INTO `radcheck` VALUES (1,'dalo-user','Cleartext-Password',':=','D4lo\\'s pw');",
    'CREATE TABLE `radusergroup` (\n  `username` varchar(64),\n  `groupname` varchar(64),\n  `priority` int\n);',
    "INSERT INTO `radusergroup` VALUES ('dalo-user','Dalo 3M',1);",
    'CREATE TABLE `radgroupreply` (\n  `id` int,\n  `groupname` varchar(64),\n  `attribute` varchar(64),\n  `op` char(2),\n  `value` varchar(253)\n);',
    "INSERT INTO `radgroupreply` VALUES (1,'Dalo 3M','Mikrotik-Rate-Limit',':=','1M/3M');",
  ].join('\n');
  const first = await commit(batchFromFile('daloradius', dump));
  assert.deepEqual(first.counts, { create: 3, update: 0, unchanged: 0, conflicts: 0, refused: 0 });
  for (const login of [pap, chap]) {
    const r = await login('dalo-user', "D4lo's pw");
    assert.equal(r.code, 'Access-Accept', `${login.name}: ${r.stdout}`);
    assert.equal(attr(r, 'Mikrotik-Rate-Limit'), '1M/3M', `${login.name}: the radgroupreply rate limit`);
  }
  assert.equal((await pap('dalo-user', 'D4lo')).code, 'Access-Reject');
  assert.deepEqual((await commit(batchFromFile('daloradius', dump))).counts, { create: 0, update: 0, unchanged: 3, conflicts: 0, refused: 0 });
});

test('a phpnuxbill mysqldump (its published schema): PPPoE and hotspot users log in, PAP and CHAP, with the tbl_bandwidth rate limit; a second run changes nothing', async () => {
  const dump = fs.readFileSync(path.join(ROOT, 'test/fixtures/import/phpnuxbill.sql'), 'utf8');
  const before = await counts();
  const first = await commit(batchFromFile('phpnuxbill', dump));
  assert.deepEqual(first.counts, { create: 2 + 3 + 3, update: 0, unchanged: 0, conflicts: 0, refused: 0 }, 'the Balance plan is no plan');
  const plans = await stack.c.db('plans').whereIn('name', ['Rumah 10M', 'Voucher 1 Hari', 'Saldo 50rb']).orderBy('name').select('name', 'rate_limit', 'price');
  assert.deepEqual(plans.map((p) => [p.name, p.rate_limit, Number(p.price)]), [['Rumah 10M', '5M/10M', 165000], ['Voucher 1 Hari', '1024k/2048k 2M/4M 1M/2M 8/8', 5000]]);

  for (const login of [pap, chap]) {
    const ppp = await login('agus', "Agus's pppoe!"); // tbl_customers.pppoe_password, PPPOE plan on tbl_bandwidth 5 Mbps up / 10 Mbps down
    assert.equal(ppp.code, 'Access-Accept', `${login.name}: ${ppp.stdout}`);
    assert.equal(attr(ppp, 'Mikrotik-Rate-Limit'), '5M/10M', login.name);
    const hotspot = await login('warung-sari', 'S@ri 2024'); // tbl_customers.password, Hotspot plan in Kbps with a burst
    assert.equal(hotspot.code, 'Access-Accept', `${login.name}: ${hotspot.stdout}`);
    assert.equal(attr(hotspot, 'Mikrotik-Rate-Limit'), '1024k/2048k 2M/4M 1M/2M 8/8', login.name);
  }
  assert.equal((await pap('agus', 'webAgus1')).code, 'Access-Reject', 'a PPPoE user logs in with the PPPoE password, not the web one');
  assert.equal((await stack.c.db('subscriptions').where({ username: 'dedi-lama' }).first('status')).status, 'suspended', 'a Banned customer');

  const after = await counts();
  assert.deepEqual((await commit(batchFromFile('phpnuxbill', dump))).counts, { create: 0, update: 0, unchanged: 8, conflicts: 0, refused: 0 });
  assert.deepEqual(await counts(), { ...after, audit: after.audit! + 1 }, 'only the import_committed row');
  assert.deepEqual([after.plans! - before.plans!, after.customers! - before.customers!, after.subscriptions! - before.subscriptions!], [2, 3, 3]);
});

test('the console: admin only; preview (nothing written), then commit with the CSRF token', async () => {
  const { client: tech } = await signedInAs(stack.baseUrl, stack.c.db, 'technician');
  assert.equal((await tech.get('/admin/import')).status, 403);
  const { client } = await signedInAs(stack.baseUrl, stack.c.db, 'admin');
  const page = await client.get('/admin/import');
  assert.equal(page.status, 200);
  const template = await client.get('/admin/import/template.csv');
  assert.match(template.text, /customer_key,customer_name,phone,email,address,username,password/);
  const content = '/ppp profile\nadd name=konsol-8M rate-limit=4M/8M\n/ppp secret\nadd name=konsol1 password="k o n" profile=konsol-8M\nadd name=x password=1\n';
  const before = await counts();
  const preview = await client.post('/admin/import/preview', { source: 'routeros-export', content, router: '127.0.0.1', anchor_day: '15' });
  assert.equal(preview.status, 200);
  assert.match(preview.text, /data-count="create">3</);
  assert.match(preview.text, /data-reason="username_format"/);
  assert.deepEqual(await counts(), before, 'the preview wrote nothing');
  assert.equal((await client.post('/admin/import/commit', { source: 'routeros-export', content, router: '127.0.0.1', anchor_day: '15', _csrf: null })).status, 403);
  const committed = await client.post('/admin/import/commit', { source: 'routeros-export', content: decodeHtml(/name="content" value="([^"]*)"/.exec(preview.text)![1]!), router: '127.0.0.1', anchor_day: '15' });
  assert.equal(committed.status, 200);
  assert.match(committed.text, /data-import-committed/);
  const sub = await stack.c.db('subscriptions').where({ username: 'konsol1' }).first('password_enc', 'anchor_day');
  assert.deepEqual([TEST_SECRET_BOX.open(sub.password_enc), sub.anchor_day], ['k o n', 15]);
  const audit = await stack.c.db('audit_log').where({ action: 'import_committed' }).orderBy('id', 'desc').first('actor');
  assert.match(audit.actor, /^admin-/);
});
