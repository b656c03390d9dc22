import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand, storedText } from './parse-command.js';

test('command words in either language, the language from the word when it has one', () => {
  assert.deepEqual(parseCommand('Tagihan?'), { command: { kind: 'bill' }, locale: 'id' });
  assert.deepEqual(parseCommand('?'), { command: { kind: 'help' }, locale: null });
  assert.deepEqual(parseCommand('TAGIHAN'), { command: { kind: 'bill' }, locale: 'id' });
  assert.deepEqual(parseCommand(' bill. '), { command: { kind: 'bill' }, locale: 'en' });
  assert.deepEqual(parseCommand('status'), { command: { kind: 'status' }, locale: null });
  assert.deepEqual(parseCommand('Bantuan'), { command: { kind: 'help' }, locale: 'id' });
  assert.deepEqual(parseCommand('lapor  internet mati'), { command: { kind: 'report', text: 'internet mati' }, locale: 'id' });
  assert.deepEqual(parseCommand('gangguan'), { command: { kind: 'report', text: '' }, locale: 'id' });
  assert.deepEqual(parseCommand('halo mas'), { command: { kind: 'other', text: 'halo mas' }, locale: null });
});

test('a number is a choice only while one is asked', () => {
  assert.deepEqual(parseCommand('2', true), { command: { kind: 'number', value: 2 }, locale: null });
  assert.deepEqual(parseCommand('2'), { command: { kind: 'other', text: '2' }, locale: null });
});

test('wifi: name keeps case and spaces, the passphrase as typed; it is masked when stored', () => {
  assert.deepEqual(parseCommand('wifi'), { command: { kind: 'wifi' }, locale: null });
  assert.deepEqual(parseCommand('WiFi nama Rumah Budi 5G'), { command: { kind: 'wifi', ssid: 'Rumah Budi 5G' }, locale: 'id' });
  assert.deepEqual(parseCommand('wifi kata sandi Kopi Susu 123'), { command: { kind: 'wifi', password: 'Kopi Susu 123' }, locale: 'id' });
  const p = parseCommand('wifi password s3cret-pass');
  assert.deepEqual(p.command, { kind: 'wifi', password: 's3cret-pass' });
  assert.equal(storedText('wifi password s3cret-pass', p), 'wifi password ••••••••');
  assert.equal(storedText('tagihan', parseCommand('tagihan')), 'tagihan');
});
