/**
 * An SNMP session to one device, built from its `devices` row (migrations/20261207000800_network_devices.ts):
 * v1/v2c with its community (RFC 1157, RFC 1901), or v3 with a USM user (RFC 3414) at the level its
 * keys allow: auth and privacy keys → authPriv, auth key only → authNoPriv, neither → noAuthNoPriv.
 * Secrets are stored sealed (lib/secret-box.ts) and opened here, for the session only.
 *
 * Timeouts are sized for a round over 1,000 devices every 60 s with 32 polled at once: 2 s per
 * request and one retry, so a silent device costs at most ~4 s of one slot before the round
 * moves on (the poller also skips devices the prober already has as down).
 *
 * RouterOS offers MD5 or SHA1 authentication and DES or AES (RFC 3826, AES-128) privacy
 * (https://help.mikrotik.com/docs/spaces/ROS/pages/8978519/SNMP, "Community"). Prefer AES: Node 20's
 * OpenSSL 3 refuses DES without `--openssl-legacy-provider` (net-snmp README, "Compatibility note
 * on DES"), so a DES device fails with an error naming the cipher.
 */
import {
  AuthProtocols,
  createSession,
  createV3Session,
  PrivProtocols,
  SecurityLevel,
  Version1,
  Version2c,
  type Session,
  type SessionOptions,
  type User,
} from 'net-snmp';
import type { SecretBox } from '../../lib/secret-box.js';

/** The columns of `devices` a session needs (pg returns bigint ids as strings). */
export interface SnmpDeviceRow {
  id: string | number;
  address: string | null;
  snmp_version: string | null;
  snmp_port: number;
  snmp_community_enc: string | null;
  snmp_v3_user: string | null;
  snmp_v3_auth_protocol: string | null;
  snmp_v3_auth_key_enc: string | null;
  snmp_v3_priv_protocol: string | null;
  snmp_v3_priv_key_enc: string | null;
}

export const SNMP_DEVICE_COLUMNS = [
  'id',
  'address',
  'snmp_version',
  'snmp_port',
  'snmp_community_enc',
  'snmp_v3_user',
  'snmp_v3_auth_protocol',
  'snmp_v3_auth_key_enc',
  'snmp_v3_priv_protocol',
  'snmp_v3_priv_key_enc',
] as const;

/** Per request: 2 s, one retry. */
export const SNMP_TIMEOUT_MS = 2000;
export const SNMP_RETRIES = 1;

/** Accepted `snmp_v3_auth_protocol` values (case-insensitive) → net-snmp's constants (RFC 3414, RFC 7860). */
const AUTH: Record<string, number> = {
  md5: AuthProtocols.md5,
  sha: AuthProtocols.sha,
  sha1: AuthProtocols.sha,
  sha224: AuthProtocols.sha224,
  sha256: AuthProtocols.sha256,
  sha384: AuthProtocols.sha384,
  sha512: AuthProtocols.sha512,
};

/** Accepted `snmp_v3_priv_protocol` values → net-snmp's constants (RFC 3414 DES, RFC 3826 AES-128; AES-256 is not standard). */
const PRIV: Record<string, number> = {
  des: PrivProtocols.des,
  aes: PrivProtocols.aes,
  aes128: PrivProtocols.aes,
  aes256: PrivProtocols.aes256b,
  aes256b: PrivProtocols.aes256b,
  aes256r: PrivProtocols.aes256r,
};

export const SNMP_AUTH_PROTOCOLS = Object.keys(AUTH);
export const SNMP_PRIV_PROTOCOLS = Object.keys(PRIV);

/**
 * Opens a session to `device`. Close it with `session.close()` when done.
 * @throws Error when the device has no address or SNMP version, a v1/v2c device has no community,
 *   a v3 device has no user, a protocol name is unknown, or a sealed secret does not open.
 */
export function openSnmpSession(device: SnmpDeviceRow, secrets: SecretBox, overrides: SessionOptions = {}): Session {
  const session = createFor(device, secrets, overrides);
  // Socket errors also fail the pending request (a timeout at worst); without a listener they would crash the process.
  session.on('error', () => {});
  return session;
}

function createFor(device: SnmpDeviceRow, secrets: SecretBox, overrides: SessionOptions): Session {
  if (!device.address) throw new Error(`device ${device.id} has no address`);
  const options: SessionOptions = { port: device.snmp_port, timeout: SNMP_TIMEOUT_MS, retries: SNMP_RETRIES, ...overrides };
  if (device.address.includes(':')) options.transport = 'udp6';
  switch (device.snmp_version) {
    case '1':
    case '2c': {
      if (!device.snmp_community_enc) throw new Error(`device ${device.id} has no SNMP community`);
      const community = secrets.open(device.snmp_community_enc);
      return createSession(device.address, community, { ...options, version: device.snmp_version === '1' ? Version1 : Version2c });
    }
    case '3':
      return createV3Session(device.address, v3User(device, secrets), options);
    default:
      throw new Error(`device ${device.id} has no SNMP version`);
  }
}

/** The USM user of a v3 device (RFC 3414 §2.1). */
export function v3User(device: SnmpDeviceRow, secrets: SecretBox): User {
  if (!device.snmp_v3_user) throw new Error(`device ${device.id} has no SNMPv3 user`);
  const user: User = { name: device.snmp_v3_user, level: SecurityLevel.noAuthNoPriv };
  if (!device.snmp_v3_auth_key_enc) return user;
  const auth = AUTH[(device.snmp_v3_auth_protocol ?? 'sha').toLowerCase()];
  if (auth === undefined) throw new Error(`unknown SNMPv3 auth protocol ${device.snmp_v3_auth_protocol}`);
  Object.assign(user, { level: SecurityLevel.authNoPriv, authProtocol: auth, authKey: secrets.open(device.snmp_v3_auth_key_enc) });
  if (!device.snmp_v3_priv_key_enc) return user;
  const priv = PRIV[(device.snmp_v3_priv_protocol ?? 'aes').toLowerCase()];
  if (priv === undefined) throw new Error(`unknown SNMPv3 privacy protocol ${device.snmp_v3_priv_protocol}`);
  return Object.assign(user, { level: SecurityLevel.authPriv, privProtocol: priv, privKey: secrets.open(device.snmp_v3_priv_key_enc) });
}
