import assert from 'node:assert/strict';
import { test } from 'node:test';
import { radsecScript } from './radsec-script.js';

const input = { server: '203.0.113.10', port: 2083, fileName: 'radsec-nas-7.pem', clientCommonName: 'Router "Pusat" $1', caCommonName: 'RadSec CA billing' };

test('the RadSec script imports the bundle, trusts the CA, adds the radsec client and disables the UDP one', () => {
  const s = radsecScript({ ...input, locale: 'en' });
  const lines = s.split('\n').filter((l) => !l.startsWith('#') && l);
  assert.deepEqual(lines, [
    ':if ([:len [/file find where name="radsec-nas-7.pem"]] = 0) do={ :error "radsec-nas-7.pem?" }',
    '/certificate import file-name="radsec-nas-7.pem" passphrase=""',
    '/certificate set [find where common-name="RadSec CA billing"] trusted=yes',
    '/radius remove [find where comment="billing: RadSec"]',
    '/radius add service=ppp,hotspot address=203.0.113.10 protocol=radsec secret=radsec certificate=[/certificate get ([find where common-name="Router \\"Pusat\\" \\$1" private-key]->0) name] authentication-port=2083 accounting-port=2083 timeout=1s comment="billing: RadSec"',
    '/radius disable [find where comment="billing: RADIUS"]',
  ]);
});

test('the comments follow the staff member\'s language', () => {
  assert.match(radsecScript({ ...input, locale: 'id' }), /^# RadSec: unggah dulu radsec-nas-7\.pem/);
  assert.match(radsecScript({ ...input, locale: 'en' }), /^# RadSec: first upload radsec-nas-7\.pem/);
});
