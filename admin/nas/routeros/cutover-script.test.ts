import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logicalLines, splitWords } from '../../../billing/import/routeros-export.js';
import { cutoverScript, rollbackScript } from './cutover-script.js';

const input = { locale: 'en' as const, canary: 'budi', usernames: ['ani', 'budi', 'cici"x'], interimInterval: 300 };

/** The command lines, each split into words by the import's RouterOS parser. */
const commands = (script: string): string[][] => logicalLines(script).map((l) => l.text.trim()).filter((l) => l && !l.startsWith('#')).map(splitWords);

test('the cut-over disables only the canary at once; the other secrets only in the script the scheduler runs once the canary is online through RADIUS', () => {
  const s = cutoverScript(input);
  const lines = commands(s);
  const immediate = lines.filter((w) => w[0] === '/ppp' && w[1] === 'secret');
  assert.deepEqual(immediate, [['/ppp', 'secret', 'disable', '[find where name="budi"]']], 'only the canary at paste time');
  assert.ok(lines.some((w) => w.join(' ') === '/ppp active remove [find where name="budi"]'), 'the canary reconnects');
  assert.ok(lines.some((w) => w.join(' ') === '/ppp aaa set use-radius=yes accounting=yes interim-update=5m'));

  const script = lines.find((w) => w.slice(0, 4).join(' ') === '/system script add name=billing-cutover')!;
  const source = script.find((w) => w.startsWith('source='))!.slice('source='.length);
  assert.deepEqual(source.split('\n').slice(0, 2), ['/ppp secret disable [find where name="ani"]', '/ppp secret disable [find where name="cici\\"x"]']);
  assert.doesNotMatch(source, /name="budi"\]/, 'the canary is already off');
  assert.match(source, /\/system scheduler remove \[find where name="billing-cutover"\]$/, 'stops checking once done');

  const scheduler = lines.find((w) => w.slice(0, 4).join(' ') === '/system scheduler add name=billing-cutover')!;
  assert.ok(scheduler.includes('interval=1m'));
  const onEvent = scheduler.find((w) => w.startsWith('on-event='))!.slice('on-event='.length);
  assert.equal(onEvent, ':if ([:len [/ppp active find where name="budi" radius=yes]] > 0) do={ /system script run "billing-cutover" }');
});

test('a canary the server does not know is refused', () => {
  assert.throws(() => cutoverScript({ ...input, canary: 'nobody' }), RangeError);
});

test('the rollback enables the secrets of subscribers active in billing, then turns RADIUS off for PPP, and stops a pending cut-over', () => {
  const lines = commands(rollbackScript({ locale: 'id', online: ['ani', 'budi'] })).map((w) => w.join(' '));
  assert.deepEqual(lines, [
    '/system scheduler remove [find where name="billing-cutover"]',
    '/system script remove [find where name="billing-cutover"]',
    '/ppp secret enable [find where name="ani"]',
    '/ppp secret enable [find where name="budi"]',
    '/ppp aaa set use-radius=no',
  ]);
  assert.match(rollbackScript({ locale: 'id', online: [] }), /^# Rollback: kembali ke secret lokal$/m);
});
