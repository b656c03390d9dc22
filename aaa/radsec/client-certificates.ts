/**
 * RadSec client certificates, one per NAS (ARCHITECTURE.md "RadSec"; table
 * `radsec_client_certificates`, aaa's own). The one writer of that table: issue (which revokes
 * the NAS's current certificate, so "reissue" is "issue"), revoke, download the bundle; each
 * audited in its transaction. The listener asks `nasIdForFingerprint` who a TLS client is.
 *
 * The bundle is one PEM file (key, client certificate, CA certificate): RouterOS's
 * `/certificate import file-name=…` reads every PEM block of one file (help.mikrotik.com
 * "Certificates"), radsecproxy and FreeRADIUS take the same file for `certificatefile` /
 * `certificatekeyfile` plus `cacertificatefile`.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { loadOrCreateCa } from './radsec-ca.js';
import { issueCertificate } from './x509-issue.js';

/** Five years: a router's certificate should outlive its firmware upgrades, not the router. */
const CLIENT_DAYS = 1826;

export interface ClientCertificateRow {
  id: number;
  serial: string;
  fingerprint: string;
  notAfter: Date;
  issuedAt: Date;
  issuedBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

export type CertificateResult = { ok: true; id: number } | { ok: false; code: 'not_found' | 'none' };

function rowOf(r: Record<string, unknown>): ClientCertificateRow {
  return {
    id: Number(r.id),
    serial: String(r.serial),
    fingerprint: String(r.fingerprint),
    notAfter: new Date(r.not_after as string),
    issuedAt: new Date(r.issued_at as string),
    issuedBy: String(r.issued_by),
    revokedAt: r.revoked_at ? new Date(r.revoked_at as string) : null,
    revokedBy: r.revoked_by ? String(r.revoked_by) : null,
  };
}

/** Every certificate of NAS `nasId`, newest first (the unrevoked one, if any, is first). */
export async function listClientCertificates(db: Knex, nasId: number): Promise<ClientCertificateRow[]> {
  const rows = await db('radsec_client_certificates')
    .where({ nas_id: nasId })
    .orderBy([{ column: 'issued_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .select('id', 'serial', 'fingerprint', 'not_after', 'issued_at', 'issued_by', 'revoked_at', 'revoked_by');
  return rows.map(rowOf);
}

async function revokeActive(trx: Knex.Transaction, actor: AuditActor, nasId: number, now: Date): Promise<boolean> {
  const revoked = await trx('radsec_client_certificates')
    .where({ nas_id: nasId }).whereNull('revoked_at')
    .update({ revoked_at: now, revoked_by: actor.username })
    .returning(['id', 'serial', 'fingerprint']);
  for (const r of revoked) {
    await recordAudit(trx, actor, { action: 'radsec_certificate_revoked', objectType: 'nas', objectId: nasId, before: { serial: r.serial, fingerprint: r.fingerprint } });
  }
  return revoked.length > 0;
}

/**
 * Issues a new client certificate for NAS `nasId` (CN = its name) and revokes the one it had.
 * The key is generated before the transaction (RSA key generation takes tens of milliseconds).
 */
export async function issueClientCertificate(db: Knex, secrets: SecretBox, actor: AuditActor, nasId: number, now: Date): Promise<CertificateResult> {
  const nas = await db('nas').where({ id: nasId }).first('name');
  if (!nas) return { ok: false, code: 'not_found' };
  const ca = await loadOrCreateCa(db, secrets, now);
  const made = await issueCertificate(ca, { commonName: String(nas.name), purpose: 'client', now, days: CLIENT_DAYS });
  return db.transaction(async (trx) => {
    // Serialises two staff issuing for the same router at once (one active certificate per NAS).
    if (!(await trx('nas').where({ id: nasId }).forUpdate().first('id'))) return { ok: false as const, code: 'not_found' as const };
    await revokeActive(trx, actor, nasId, now);
    const [row] = await trx('radsec_client_certificates').insert({
      nas_id: nasId, serial: made.serial, fingerprint: made.fingerprint, cert_pem: made.certPem,
      key_enc: secrets.seal(made.keyPem), not_after: made.notAfter, issued_at: now, issued_by: actor.username,
    }).returning('id');
    const id = Number(row.id);
    await recordAudit(trx, actor, { action: 'radsec_certificate_issued', objectType: 'nas', objectId: nasId, after: { serial: made.serial, fingerprint: made.fingerprint, not_after: made.notAfter.toISOString() } });
    return { ok: true as const, id };
  });
}

/** Revokes NAS `nasId`'s certificate: its open RadSec connection is closed at the listener's next check. */
export async function revokeClientCertificate(db: Knex, actor: AuditActor, nasId: number, now: Date): Promise<CertificateResult> {
  return db.transaction(async (trx) => {
    if (!(await trx('nas').where({ id: nasId }).forUpdate().first('id'))) return { ok: false as const, code: 'not_found' as const };
    return (await revokeActive(trx, actor, nasId, now)) ? { ok: true as const, id: nasId } : { ok: false as const, code: 'none' as const };
  });
}

/**
 * The download for NAS `nasId`'s current certificate: key, certificate, CA, as one PEM text,
 * with a file name. Audited (`radsec_bundle_downloaded`): it holds the private key.
 */
export async function clientBundle(db: Knex, secrets: SecretBox, actor: AuditActor, nasId: number): Promise<{ fileName: string; pem: string } | null> {
  const { rows } = await db.raw(
    `SELECT c.serial, c.fingerprint, c.cert_pem, c.key_enc, ca.cert_pem AS ca_pem
       FROM radsec_client_certificates c, radsec_ca ca
      WHERE c.nas_id = ? AND c.revoked_at IS NULL AND ca.id = 1`,
    [nasId],
  );
  const row = rows[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  await recordAudit(db, actor, { action: 'radsec_bundle_downloaded', objectType: 'nas', objectId: nasId, after: { serial: row.serial, fingerprint: row.fingerprint } });
  const pem = [secrets.open(String(row.key_enc)), String(row.cert_pem), String(row.ca_pem)].map((p) => p.trim()).join('\n') + '\n';
  return { fileName: `radsec-nas-${nasId}.pem`, pem };
}

/** The NAS a presented client certificate belongs to: unrevoked, unexpired, of an active NAS; else null. */
export async function nasIdForFingerprint(db: Knex, fingerprint: string, now: Date): Promise<number | null> {
  const row = await db('radsec_client_certificates as c')
    .join('nas as n', 'n.id', 'c.nas_id')
    .where({ 'c.fingerprint': fingerprint, 'n.is_active': true }).whereNull('c.revoked_at').where('c.not_after', '>', now)
    .first('c.nas_id');
  return row ? Number(row.nas_id) : null;
}

/** Of `fingerprints`, those no longer accepted (revoked, expired, NAS deactivated or removed). */
export async function noLongerAccepted(db: Knex, fingerprints: string[], now: Date): Promise<Set<string>> {
  if (!fingerprints.length) return new Set();
  const rows = await db('radsec_client_certificates as c')
    .join('nas as n', 'n.id', 'c.nas_id')
    .whereIn('c.fingerprint', fingerprints).where({ 'n.is_active': true }).whereNull('c.revoked_at').where('c.not_after', '>', now)
    .select('c.fingerprint');
  const ok = new Set(rows.map((r: { fingerprint: string }) => r.fingerprint));
  return new Set(fingerprints.filter((f) => !ok.has(f)));
}
