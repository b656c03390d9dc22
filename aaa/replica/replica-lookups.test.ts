/**
 * Reading open sessions that accounting marked changed (replica-lookups.ts) when PostgreSQL is
 * gone: the login goes on with the sessions as last read, and the mark stays for the next one.
 * The database is a real connection refused (nothing listens on 127.0.0.1:1), not a stand-in.
 */
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenSessionAccess } from '../../billing/access/subscription-access.js';
import { createDb } from '../../lib/db.js';
import { createLogger } from '../../lib/logger.js';
import { NAS, NOW, fixtureIndex } from '../../test/helpers/access-request-fixtures.js';
import { createReplicaLoader } from './replica-loader.js';
import { createReplicaLookups, noMisses } from './replica-lookups.js';
import { systemClock } from '../../lib/clock.js';
import { createSecretBox } from '../../lib/secret-box.js';

test('the database refuses: a login decides on the sessions as last read, and they stay marked changed', async () => {
  const replica = fixtureIndex();
  const session: OpenSessionAccess = { subscriptionId: 42, sessionKey: 'k', nasIpAddress: NAS.ipAddress, acctSessionId: 's1', callingStationId: 'AA:BB:CC:00:00:99', framedIpAddress: null, updateTime: NOW.getTime() };
  replica.sessions.putAll([session]);
  replica.sessions.markChanged([42]); // a Stop was committed; reading it fails
  const db = createDb({ url: 'postgres://isp@127.0.0.1:1/none' });
  const log = createLogger('silent');
  const misses = noMisses();
  try {
    const loader = createReplicaLoader({ db, replica, secrets: createSecretBox(randomBytes(32)), log, clock: systemClock, misses });
    const lookups = createReplicaLookups({ db, replica, loader, misses, log });
    assert.deepEqual(await lookups.loadOpenSessions(42), [session], 'the sessions as last read');
    assert.equal(replica.openSessions(42), undefined, 'still marked: the next login reads again');
  } finally {
    await db.destroy();
  }
});
