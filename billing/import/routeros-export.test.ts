/** The RouterOS export parser: quoting, escapes, continuations, `set [find …]`, v6 and v7, and the mapping to an import batch. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXTURE_PROFILES, fixtureSecrets, routerOsExport } from '../../test/fixtures/import/routeros-export-fixture.js';
import { importBatchFromExport, logicalLines, parseRouterOsExport, splitWords } from './routeros-export.js';

test('quoted values keep spaces and unescape \\" \\\\ \\$ \\? \\_ \\t and \\XX bytes (UTF-8)', () => {
  assert.deepEqual(splitWords('add name="a b" password="x\\"y\\\\z\\$w\\?" comment=Caf\\C3\\A9\\_1 note="t\\tn"'), [
    'add', 'name=a b', 'password=x"y\\z$w?', 'comment=Café 1', 'note=t\tn',
  ]);
});

test('a lowercase \\a \\b \\f is BEL, backspace, form feed (hex needs capitals); an unknown escape is a syntax error', () => {
  assert.deepEqual(splitWords('x="\\ab"'), ['x=\x07b']);
  assert.deepEqual(splitWords('x="\\41\\42"'), ['x=AB']);
  assert.throws(() => splitWords('x="\\q"'), /unknown escape/);
  assert.throws(() => splitWords('x="open'), /unterminated string/);
});

test('a trailing backslash joins the next line without its indent, inside a string too; an escaped one does not', () => {
  const lines = logicalLines('add name=a \\\n    password="long \\\n    secret"\nadd comment="ends\\\\"\r\nadd name=b');
  assert.deepEqual(lines.map((l) => [l.line, l.text]), [[1, 'add name=a password="long secret"'], [4, 'add comment="ends\\\\"'], [5, 'add name=b']]);
});

test('set [ find default=yes ], set *0, set [ find name=x ] and set <name> merge into the right profile', () => {
  const { items } = parseRouterOsExport([
    '/ppp profile',
    'add name=p1 rate-limit=1M/1M',
    'set [ find name=p1 ] remote-address=pool1',
    'set [ find default=yes ] rate-limit=512k/1M',
    'set *FFFFFFFE only-one=yes',
    'set p1 comment=x',
    '/ip hotspot user profile',
    'set [ find default=yes ] rate-limit=1M/2M address-pool=hs-pool',
  ].join('\n'));
  assert.deepEqual(items.pppProfiles.map((i) => i.fields), [
    { name: 'p1', 'rate-limit': '1M/1M', 'remote-address': 'pool1', comment: 'x' },
    { name: 'default', 'rate-limit': '512k/1M' },
    { name: 'default-encryption', 'only-one': 'yes' },
  ]);
  assert.deepEqual(items.hotspotProfiles.map((i) => i.fields), [{ name: 'default', 'rate-limit': '1M/2M', 'address-pool': 'hs-pool' }]);
});

test('v7 path forms: /ppp/secret, a command on the menu line, /ppp/secret/add', () => {
  const { items } = parseRouterOsExport('/ppp/secret\nadd name=a password=1\n/ppp secret add name=b password=2\n/ppp/secret/add name=c password=3\n/interface bridge\nadd name=br0\n');
  assert.deepEqual(items.pppSecrets.map((i) => i.fields.name), ['a', 'b', 'c']);
});

for (const version of [6, 7] as const) {
  test(`RouterOS ${version}: 50 secrets over 5 profiles map to plans, customers and subscriptions`, () => {
    const secrets = fixtureSecrets(50);
    const batch = importBatchFromExport(routerOsExport(secrets, version));
    assert.deepEqual(batch.refused, []);
    assert.deepEqual(batch.plans.map((p) => [p.name, p.rateLimit]).sort(), FIXTURE_PROFILES.map((p) => [p.name, p.rateLimit]).sort());
    assert.equal(batch.plans.find((p) => p.name === 'paket-5M')!.framedPool, 'pool-pppoe');
    assert.equal(batch.subscriptions.length, 50);
    for (const [i, s] of secrets.entries()) {
      const got = batch.subscriptions[i]!;
      assert.deepEqual(
        [got.username, got.password, got.planName, got.staticIp, got.disabled, got.notes, got.serviceType],
        [s.name, s.password, s.profile, s.staticIp, s.disabled, s.comment, 'pppoe'],
        s.name,
      );
    }
    assert.equal(batch.customers.find((c) => c.key === 'plg001')!.name, 'Pelanggan 1 – Désa Cibiru');
    assert.equal(batch.customers.find((c) => c.key === 'plg002')!.name, null);
  });
}

test('hotspot users and profiles become hotspot plans `hotspot-<profile>`; no password, bad MAC and syntax errors are refused with the line', () => {
  const batch = importBatchFromExport([
    '/ip hotspot user profile',
    'add name=1jam rate-limit=1M/2M address-pool=hs-pool',
    '/ip hotspot user',
    'add name=tamu1 password=abc profile=1jam mac-address=aa-bb-cc-dd-ee-ff address=10.5.50.9',
    'add name=tamu2 profile=1jam',
    'add name=tamu3 password=x mac-address=zz',
    'add name=tamu4 password="unterminated',
    '/ppp secret',
    'add name=nopass service=pppoe',
  ].join('\n'));
  assert.deepEqual(batch.plans.map((p) => [p.name, p.serviceType, p.rateLimit, p.framedPool]), [['hotspot-1jam', 'hotspot', '1M/2M', 'hs-pool']]);
  assert.deepEqual(batch.subscriptions.map((s) => [s.username, s.serviceType, s.planName, s.macAddress, s.staticIp]), [
    ['tamu1', 'hotspot', 'hotspot-1jam', 'AA:BB:CC:DD:EE:FF', '10.5.50.9'],
  ]);
  assert.deepEqual(batch.refused.map((r) => [r.origin, r.reason]).sort(), [
    ['line 5', 'no_password'], ['line 6', 'mac_address'], ['line 7', 'syntax'], ['line 9', 'no_password'],
  ]);
});

test('a secret on the built-in default profile brings a `default` plan with no limit (0/0) when the export never set it', () => {
  const batch = importBatchFromExport('/ppp secret\nadd name=budi password=x\n');
  assert.deepEqual(batch.plans.map((p) => [p.name, p.rateLimit]), [['default', '0/0']]);
});
