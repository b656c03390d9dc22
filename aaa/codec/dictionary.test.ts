/**
 * Dictionary tests: the attributes the MikroTik flows depend on, standard VALUEs, our vendor
 * files against FreeRADIUS's own, and errors for bad dictionary lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Dictionary, dictionary, dictionaryFiles } from './dictionary.js';

const dict = dictionary();
const FREERADIUS_DICTIONARIES = '/usr/share/freeradius';

test('MikroTik vendor 14988: Rate-Limit 8, Total-Limit-Gigawords 18, Address-List 19', () => {
  assert.equal(dict.vendorId('Mikrotik'), 14988);
  const expected: Array<[string, number, string]> = [
    ['Mikrotik-Rate-Limit', 8, 'string'],
    ['Mikrotik-Total-Limit-Gigawords', 18, 'integer'],
    ['Mikrotik-Address-List', 19, 'string'],
    ['Mikrotik-Group', 3, 'string'],
    ['Mikrotik-Host-IP', 10, 'ipaddr'],
    ['Mikrotik-Total-Limit', 17, 'integer'],
  ];
  for (const [name, code, type] of expected) {
    const def = dict.attr(name);
    assert.deepEqual([def.vendorId, def.code, def.dataType], [14988, code, type], name);
    assert.equal(dict.find(14988, code), def, `${name} by number`);
  }
});

test('Microsoft vendor 311: MS-CHAP2-Success is 26, octets', () => {
  assert.equal(dict.vendorId('Microsoft'), 311);
  const def = dict.attr('MS-CHAP2-Success');
  assert.deepEqual([def.vendorId, def.code, def.dataType], [311, 26, 'octets']);
  assert.equal(dict.find(311, 26)?.name, 'MS-CHAP2-Success');
  assert.equal(dict.find(311, 25)?.name, 'MS-CHAP2-Response');
  assert.equal(dict.find(311, 11)?.name, 'MS-CHAP-Challenge');
});

test('standard attributes and Acct-Status-Type values (RFC 2866 §5.1)', () => {
  const status = dict.attr('Acct-Status-Type');
  assert.deepEqual([status.vendorId, status.code, status.dataType], [0, 40, 'integer']);
  const values: Array<[string, number]> = [
    ['Start', 1],
    ['Stop', 2],
    ['Interim-Update', 3],
    ['Accounting-On', 7],
    ['Accounting-Off', 8],
  ];
  for (const [name, n] of values) {
    assert.equal(status.values.get(name), n, name);
    assert.equal(status.valueNames.get(n), name, String(n));
  }
  assert.equal(dict.attr('User-Password').encrypt, 1, 'User-Password is hidden (RFC 2865 §5.2)');
  assert.equal(dict.attr('Tunnel-Type').hasTag, true);
  assert.equal(dict.attr('Message-Authenticator').code, 80);
  assert.equal(dict.attr('Vendor-Specific').code, 26);
  assert.equal(dict.attr('Acct-Input-Gigawords').code, 52);
  assert.equal(dict.attr('Event-Timestamp').dataType, 'date');
  assert.equal(dict.attr('Error-Cause').code, 101);
});

test('lookups: names are case-insensitive, unknown names throw, unknown numbers are undefined', () => {
  assert.equal(dict.attr('mikrotik-rate-limit'), dict.attr('Mikrotik-Rate-Limit'));
  assert.equal(dict.has('MIKROTIK-ADDRESS-LIST'), true);
  assert.equal(dict.has('Mikrotik-Nonexistent'), false);
  assert.throws(() => dict.attr('Mikrotik-Nonexistent'), /unknown RADIUS attribute Mikrotik-Nonexistent/);
  assert.equal(dict.find(0, 17), undefined);
  assert.equal(dict.find(14988, 200), undefined);
  assert.equal(dict.find(99999, 1), undefined);
  assert.equal(dict.vendorId('NoSuchVendor'), undefined);
});

test('the project dictionaries are the radius package RFC set, then ours', () => {
  const names = dictionaryFiles().map((f) => path.basename(f));
  for (const own of ['dictionary.mikrotik', 'dictionary.microsoft', 'dictionary.wispr']) assert.ok(names.includes(own), own);
  assert.ok(names.includes('dictionary.rfc2865'));
  assert.ok(names.indexOf('dictionary.rfc2865') < names.indexOf('dictionary.mikrotik'));
});

test(
  'our vendor dictionaries agree with FreeRADIUS\'s on every attribute number and type',
  { skip: !fs.existsSync(FREERADIUS_DICTIONARIES) && 'FreeRADIUS dictionaries not installed' },
  () => {
    for (const vendor of ['mikrotik', 'microsoft', 'wispr']) {
      const file = `dictionary.${vendor}`;
      const theirs = new Dictionary().load(fs.readFileSync(path.join(FREERADIUS_DICTIONARIES, file), 'utf8'), file);
      const ours = fs.readFileSync(path.join(path.dirname(dictionaryFiles().find((f) => f.endsWith(file))!), file), 'utf8');
      const names = [...ours.matchAll(/^ATTRIBUTE\s+(\S+)/gm)].map((m) => m[1]!);
      assert.ok(names.length > 0, file);
      for (const name of names) {
        const a = dict.attr(name);
        const b = theirs.attr(name);
        assert.deepEqual([a.vendorId, a.code, a.dataType], [b.vendorId, b.code, b.dataType], `${file}: ${name}`);
      }
    }
  },
);

test('a bad dictionary line throws an Error naming the file and the line', () => {
  const bad: Array<[string, RegExp]> = [
    ['ATTRIBUTE\tFoo-Bar\tnotanumber\tstring', /bad ATTRIBUTE/],
    ['ATTRIBUTE\tFoo-Bar\t256\tstring', /bad ATTRIBUTE/],
    ['ATTRIBUTE\tFoo-Bar\t0\tstring', /bad ATTRIBUTE/],
    ['ATTRIBUTE\tFoo-Bar\t1\tfloat', /unknown data type float/],
    ['ATTRIBUTE\tFoo-Bar', /bad ATTRIBUTE/],
    ['VALUE\tNo-Such-Attr\tStart\t1', /bad VALUE/],
    ['VALUE\tFoo-Ok\tStart\tone', /bad VALUE/],
    ['VENDOR\tAcme', /bad VENDOR/],
    ['VENDOR\tAcme\t-5', /bad VENDOR/],
    ['BEGIN-VENDOR\tUndeclared', /BEGIN-VENDOR of an undeclared vendor/],
    ['$INCLUDE dictionary.other', /unsupported dictionary keyword/],
    ['ATRIBUTE\tTypo\t1\tstring', /unsupported dictionary keyword/],
  ];
  for (const [line, why] of bad) {
    const text = ['# a test dictionary', 'ATTRIBUTE\tFoo-Ok\t1\tinteger', '', line, 'ATTRIBUTE\tAfter\t2\tstring'].join('\n');
    assert.throws(
      () => new Dictionary().load(text, 'dictionary.broken'),
      (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /^dictionary\.broken:4: /, line);
        assert.match(e.message, why, line);
        return true;
      },
    );
  }
});

test('comments, blank lines, CRLF line ends, octets[N] and flags are accepted', () => {
  const text = [
    '# comment',
    'VENDOR\tAcme\t99999',
    'BEGIN-VENDOR\tAcme',
    'ATTRIBUTE\tAcme-Key\t1\toctets[16]\t# trailing comment',
    'ATTRIBUTE\tAcme-Secret\t2\tstring\tencrypt=1',
    'ATTRIBUTE\tAcme-Tagged\t3\tinteger\thas_tag',
    'VALUE\tAcme-Tagged\tOne\t1',
    'END-VENDOR\tAcme',
    'ATTRIBUTE\tPlain\t250\tipaddr',
  ].join('\r\n');
  const d = new Dictionary().load(text, 'dictionary.acme');
  assert.deepEqual([d.attr('Acme-Key').vendorId, d.attr('Acme-Key').code, d.attr('Acme-Key').dataType], [99999, 1, 'octets']);
  assert.equal(d.attr('Acme-Secret').encrypt, 1);
  assert.equal(d.attr('Acme-Tagged').hasTag, true);
  assert.equal(d.attr('Acme-Tagged').values.get('One'), 1);
  assert.equal(d.attr('Plain').vendorId, 0, 'END-VENDOR returns to standard attributes');
  assert.equal(d.find(99999, 2)?.name, 'Acme-Secret');
});
