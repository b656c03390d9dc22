/** Stage 0: which requests are dropped before any lookup (BlastRADIUS checks). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAS, accessRequest } from '../../test/helpers/access-request-fixtures.js';
import { screenRequest } from './screen-request.js';

const NAME: [string, string] = ['User-Name', 'budi'];

test('a request whose Message-Authenticator verifies goes on; one signed with another secret is dropped', () => {
  assert.equal(screenRequest(accessRequest([NAME], { messageAuthenticator: true }), NAS), null);
  const forged = accessRequest([NAME], { messageAuthenticator: true, secret: Buffer.from('not-the-secret') });
  assert.equal(screenRequest(forged, NAS), 'bad_message_authenticator');
});

test('no Message-Authenticator: dropped when the NAS must send one, or when it carries a Proxy-State', () => {
  assert.equal(screenRequest(accessRequest([NAME]), NAS), null, 'an old NAS without Message-Authenticator');
  assert.equal(screenRequest(accessRequest([NAME]), { ...NAS, requireMessageAuthenticator: true }), 'missing_message_authenticator');
  assert.equal(screenRequest(accessRequest([NAME, ['Proxy-State', Buffer.from('ps')]]), NAS), 'proxy_state_without_message_authenticator');
  assert.equal(screenRequest(accessRequest([NAME, ['Proxy-State', Buffer.from('ps')]], { messageAuthenticator: true }), NAS), null, 'signed: the Proxy-State is safe');
});
