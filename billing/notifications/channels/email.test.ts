import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/fake-messaging.js';
import type { OutgoingMessage } from '../channel.js';
import { createEmailChannel } from './email.js';

const PASSWORD = 's3cret/pass@word';
let peer: SmtpPeer;

before(async () => {
  peer = await startSmtpPeer({ auth: { user: 'billing@netdesa.id', pass: PASSWORD } });
});
after(async () => {
  await peer.close();
});

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  recipient: 'budi@example.co.id',
  subject: 'Tagihan internet INV-2026-11-000123 sebesar Rp 150.000',
  text: 'Yth. Bapak/Ibu Budi Santoso,\n\nTagihan internet Anda INV-2026-11-000123 sebesar Rp 150.000 jatuh tempo 1 Desember 2026.',
  template: 'invoice_issued',
  locale: 'id',
  params: {},
  ...over,
});

test('sends from, to, subject and the plain-text body over SMTP with AUTH', async () => {
  const channel = createEmailChannel({ url: peer.url, from: '"Net Desa" <billing@netdesa.id>', timeoutMs: 5000 });
  const r = await channel.send(message());
  channel.close();
  assert.equal(r.ok, true);
  const mail = peer.messages.at(-1)!;
  assert.equal(mail.from, 'billing@netdesa.id');
  assert.deepEqual(mail.to, ['budi@example.co.id']);
  assert.equal(mail.subject, message().subject);
  assert.equal(mail.text, message().text);
  assert.match(mail.raw, /^From: "?Net Desa"? <billing@netdesa\.id>/m);
  assert.match(mail.raw, /^Content-Type: text\/plain/m);
});

test('a 5xx refusal is permanent, a 4xx is retried', async () => {
  const channel = createEmailChannel({ url: peer.url, from: 'billing@netdesa.id', timeoutMs: 5000 });
  peer.rejectNext(550, 'Mailbox unavailable');
  const gone = await channel.send(message());
  peer.rejectNext(450, 'Mailbox busy, try later');
  const busy = await channel.send(message());
  channel.close();
  assert.equal(!gone.ok && gone.retryable, false);
  assert.match(!gone.ok ? gone.error : '', /^smtp 550 /);
  assert.equal(!busy.ok && busy.retryable, true);
});

test('a wrong password is permanent and the error never shows a password', async () => {
  const url = peer.url.replace(encodeURIComponent(PASSWORD), encodeURIComponent('wrong/pass'));
  const r = await createEmailChannel({ url, from: 'billing@netdesa.id', timeoutMs: 5000 }).send(message());
  assert.equal(!r.ok && r.retryable, false);
  assert.ok(!r.ok && !r.error.includes('wrong/pass') && !r.error.includes(PASSWORD), !r.ok ? r.error : '');
});

test('an unreachable server is retried; a malformed address is not sent', async () => {
  const down = await createEmailChannel({ url: 'smtp://127.0.0.1:1', from: 'billing@netdesa.id', timeoutMs: 2000 }).send(message());
  assert.equal(!down.ok && down.retryable, true);
  const channel = createEmailChannel({ url: peer.url, from: 'billing@netdesa.id' });
  const n = peer.messages.length;
  assert.deepEqual(await channel.send(message({ recipient: 'budi at example' })), { ok: false, retryable: false, error: 'email: recipient is not an e-mail address' });
  assert.equal(peer.messages.length, n);
});
