/**
 * A device's SNMP credentials: v1 / v2c with a community (RFC 1157, RFC 3416), or v3 with the
 * user-based security model (RFC 3414): a user, an optional authentication protocol and key
 * and, with authentication, an optional privacy protocol and key. The community and the keys are
 * sealed with the secret box (lib/secret-box.ts) in devices.snmp_community_enc /
 * snmp_v3_auth_key_enc / snmp_v3_priv_key_enc; staff never see them again (a blank field keeps
 * the stored one, like a router's RouterOS API password), and the audit log records only
 * whether each is set and whether it changed.
 *
 * Protocol names are net-snmp's (snmp.AuthProtocols / snmp.PrivProtocols), lower case.
 */
import type { SecretBox } from '../../lib/secret-box.js';

export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

export type SnmpCredentials =
  | { version: '1' | '2c'; port: number; community: string }
  | { version: '3'; port: number; user: string; authProtocol: string | null; authKey: string | null; privProtocol: string | null; privKey: string | null };

/** The sealed columns. */
export interface SealedSnmp {
  snmp_community_enc: string | null;
  snmp_v3_auth_key_enc: string | null;
  snmp_v3_priv_key_enc: string | null;
}

/** What the form asks to store: the version and, per secret, the typed value (null: keep the stored one). */
export interface SnmpInput {
  snmp_version: string | null;
  snmp_v3_auth_protocol: string | null;
  snmp_v3_priv_protocol: string | null;
  snmp_community: string | null;
  snmp_v3_auth_key: string | null;
  snmp_v3_priv_key: string | null;
}

/**
 * The sealed columns to store for `input` over what is `stored`: a typed secret replaces the
 * stored one, a blank keeps it, and a secret the chosen version or protocols do not use is
 * dropped (switching v2c → v3 forgets the community). `missing` lists the fields whose secret is
 * needed but neither typed nor stored.
 */
export function sealSnmp(secrets: SecretBox, input: SnmpInput, stored: SealedSnmp | null): { columns: SealedSnmp; missing: string[] } {
  const keep = (typed: string | null, old: string | null | undefined): string | null => (typed !== null ? secrets.seal(typed) : old ?? null);
  const v = input.snmp_version;
  const columns: SealedSnmp = {
    snmp_community_enc: v === '1' || v === '2c' ? keep(input.snmp_community, stored?.snmp_community_enc) : null,
    snmp_v3_auth_key_enc: v === '3' && input.snmp_v3_auth_protocol ? keep(input.snmp_v3_auth_key, stored?.snmp_v3_auth_key_enc) : null,
    snmp_v3_priv_key_enc: v === '3' && input.snmp_v3_priv_protocol ? keep(input.snmp_v3_priv_key, stored?.snmp_v3_priv_key_enc) : null,
  };
  const missing: string[] = [];
  if ((v === '1' || v === '2c') && !columns.snmp_community_enc) missing.push('snmp_community');
  if (v === '3' && input.snmp_v3_auth_protocol && !columns.snmp_v3_auth_key_enc) missing.push('snmp_v3_auth_key');
  if (v === '3' && input.snmp_v3_priv_protocol && !columns.snmp_v3_priv_key_enc) missing.push('snmp_v3_priv_key');
  return { columns, missing };
}

/** The opened credentials of a device row (the poller's), or null when it has no SNMP set up. */
export function openSnmp(secrets: SecretBox, row: Record<string, unknown>): SnmpCredentials | null {
  const port = Number(row.snmp_port ?? 161);
  const open = (v: unknown): string | null => (typeof v === 'string' && v ? secrets.open(v) : null);
  if ((row.snmp_version === '1' || row.snmp_version === '2c') && row.snmp_community_enc) {
    return { version: row.snmp_version, port, community: open(row.snmp_community_enc)! };
  }
  if (row.snmp_version === '3' && row.snmp_v3_user) {
    return {
      version: '3', port, user: String(row.snmp_v3_user),
      authProtocol: (row.snmp_v3_auth_protocol as string | null) ?? null, authKey: open(row.snmp_v3_auth_key_enc),
      privProtocol: (row.snmp_v3_priv_protocol as string | null) ?? null, privKey: open(row.snmp_v3_priv_key_enc),
    };
  }
  return null;
}
