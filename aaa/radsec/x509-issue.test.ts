import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { createCa, issueCertificate } from './x509-issue.js';

const now = new Date('2026-12-08T00:00:00Z');

test('the CA signs a client certificate Node verifies, with clientAuth and a PKCS#1 key RouterOS imports', async () => {
  const ca = await createCa('Test CA', now, 3650);
  const caCert = new X509Certificate(ca.certPem);
  assert.equal(caCert.ca, true);
  assert.equal(caCert.verify(caCert.publicKey), true); // self-signed
  const client = await issueCertificate(ca, { commonName: 'Router, Pusat', purpose: 'client', now, days: 825 });
  const leaf = new X509Certificate(client.certPem);
  assert.equal(leaf.checkIssued(caCert), true);
  assert.equal(leaf.verify(caCert.publicKey), true);
  assert.equal(leaf.ca, false);
  assert.match(leaf.subject, /^CN=Router\\, Pusat$/m); // Node shows the escaped comma
  assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.2']); // clientAuth
  assert.equal(leaf.fingerprint256, client.fingerprint);
  assert.equal(leaf.serialNumber.toLowerCase(), client.serial);
  assert.equal(new Date(leaf.validTo).getTime(), Math.floor(client.notAfter.getTime() / 1000) * 1000);
  assert.match(client.keyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
  assert.equal(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(client.keyPem)), true);
});

test('a server certificate carries its DNS names and IP addresses as SANs and serverAuth', async () => {
  const ca = await createCa('Test CA', now, 3650);
  const server = await issueCertificate(ca, { commonName: 'radius.example.net', purpose: 'server', names: ['radius.example.net', '127.0.0.1'], now, days: 825 });
  const leaf = new X509Certificate(server.certPem);
  assert.equal(leaf.subjectAltName, 'DNS:radius.example.net, IP Address:127.0.0.1');
  assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(leaf.checkHost('radius.example.net'), 'radius.example.net');
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
});

test('a certificate from another CA does not verify against ours', async () => {
  const ours = await createCa('Ours', now, 10);
  const theirs = await createCa('Theirs', now, 10);
  const stranger = await issueCertificate(theirs, { commonName: 'x', purpose: 'client', now, days: 1 });
  assert.equal(new X509Certificate(stranger.certPem).verify(new X509Certificate(ours.certPem).publicKey), false);
});
