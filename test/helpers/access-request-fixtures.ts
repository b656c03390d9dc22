/**
 * In-memory fixtures for the Access-Request stages' unit tests (aaa/pipeline/): a NAS, an index
 * with one subscription, one plan, one voucher and its batch, and Access-Requests built with our
 * own codec and signed with the NAS's secret. No database, no sockets.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { PlanAccess, SubscriptionAccess } from '../../billing/access/subscription-access.js';
import type { VoucherAccess, VoucherBatchAccess } from '../../billing/access/voucher-access.js';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { Code, decodePacket, type Packet } from '../../aaa/codec/packet.js';
import { hideUserPassword } from '../../aaa/codec/user-password.js';
import type { AttributeValue } from '../../aaa/codec/values.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import { AccessReplica, type NasEntry } from '../../aaa/replica/access-replica.js';
import { createSecretBox } from '../../lib/secret-box.js';

export const SECRET = Buffer.from('stage-secret');
export const NOW = new Date('2026-03-10T05:00:00Z');
export const PASSWORD = 'budi-pw';
export const CODE = 'ABCD2345';

export const NAS: NasEntry = {
  id: 1, name: 'nas-1', ipAddress: '10.0.0.1', secret: SECRET, vendor: 'mikrotik', coaPort: 3799, requireMessageAuthenticator: false,
};

const box = createSecretBox(randomBytes(32));

export function subscriptionRow(over: Partial<SubscriptionAccess> = {}): SubscriptionAccess {
  return {
    id: 42, customerId: 7, planId: 3, username: 'budi', passwordEnc: box.seal(PASSWORD), serviceType: 'pppoe', status: 'active',
    billingType: 'postpaid', anchorDay: 1, startDate: '2026-01-01', paidUntil: null, staticIp: null, framedPool: null, macAddress: null, ...over,
  };
}

export function planRow(over: Partial<PlanAccess> = {}): PlanAccess {
  return {
    id: 3, name: 'Home 10M', rateLimit: '5M/10M', quotaBytes: null, fupRateLimit: null, softLimitRateLimit: null, framedPool: 'pool-home',
    mikrotikGroup: null, sessionTimeout: null, idleTimeout: null, simultaneousUse: 1, billingCycle: 'monthly', cycleDays: null, ...over,
  };
}

export function voucherRow(over: Partial<VoucherAccess> = {}): VoucherAccess {
  return { id: 9, code: CODE, batchId: 5, status: 'active', firstUsedAt: NOW.getTime() - 60_000, expiresAt: null, usedSeconds: 0, usedOctets: 0, ...over };
}

export function batchRow(over: Partial<VoucherBatchAccess> = {}): VoucherBatchAccess {
  return { id: 5, planId: null, rateLimit: '1M/2M', timeLimitSeconds: 3600, dataLimitBytes: null, validitySeconds: null, ...over };
}

/** An index holding the NAS, subscription `budi` on plan 3, and voucher ABCD2345 of batch 5. */
export function fixtureIndex(): AccessReplica {
  const index = new AccessReplica(box, 'Asia/Jakarta');
  index.putNas([NAS]);
  index.putPlans([planRow()]);
  index.putSubscriptions([subscriptionRow()]);
  index.putVoucherBatches([batchRow()]);
  index.putVouchers([voucherRow()]);
  return index;
}

/**
 * An Access-Request from NAS, decoded as the server would see it. `attributes` may be a function
 * of the Request Authenticator (PAP hides the password with it); `messageAuthenticator` adds one.
 */
export function accessRequest(
  attributes: Array<[string, AttributeValue]> | ((authenticator: Buffer) => Array<[string, AttributeValue]>),
  opts: { messageAuthenticator?: boolean; secret?: Buffer } = {},
): Packet {
  const authenticator = randomBytes(16);
  const w = new PacketWriter().reset(Code.AccessRequest, 17, authenticator);
  if (opts.messageAuthenticator) w.messageAuthenticator();
  const d = dictionary();
  for (const [name, value] of typeof attributes === 'function' ? attributes(authenticator) : attributes) w.add(d.attr(name), value);
  const decoded = decodePacket(w.toAccessRequest(opts.secret ?? SECRET));
  assert.ok(decoded.ok, 'the fixture request decodes');
  return decoded.packet;
}

/** A PAP Access-Request for `username` with `password`. */
export function papRequest(username: string, password: string, more: Array<[string, AttributeValue]> = []): Packet {
  return accessRequest((auth) => [['User-Name', username], ['User-Password', hideUserPassword(password, auth, SECRET)], ...more]);
}
