/**
 * The internal CA of RadSec (ARCHITECTURE.md "RadSec"): created on first use (the first client
 * certificate issued from the console, or the first start of the radius role with RadSec on),
 * stored in `radsec_ca` with its key sealed by lib/secret-box.ts. Every radius process and the web
 * role read the same row, so any of them issues certificates the listener trusts.
 */
import os from 'node:os';
import type { Knex } from '../../lib/db.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { createCa, issueCertificate, type CaMaterial, type IssuedCertificate } from './x509-issue.js';

/** The CA lives 20 years: replacing it means new certificates on every router. */
const CA_DAYS = 7300;
/** A server certificate is issued at every start of the listener; a year is plenty. */
const SERVER_DAYS = 397;

export interface StoredCa extends CaMaterial {
  notAfter: Date;
}

/**
 * The CA, created and stored when there is none yet. Two processes creating it at once converge
 * on one row (`ON CONFLICT DO NOTHING`, then read back); the loser's key is discarded unused.
 * @throws Error when the stored key does not open (another APP_SECRET_KEY).
 */
export async function loadOrCreateCa(db: Knex, secrets: SecretBox, now: Date): Promise<StoredCa> {
  const found = await readCa(db, secrets);
  if (found) return found;
  const made = await createCa(`RadSec CA ${os.hostname()}`.slice(0, 64), now, CA_DAYS);
  await db.raw(
    `INSERT INTO radsec_ca (id, cert_pem, key_enc, not_after) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    [made.certPem, secrets.seal(made.keyPem), new Date(now.getTime() + CA_DAYS * 86_400_000)],
  );
  const stored = await readCa(db, secrets);
  if (!stored) throw new Error('radsec_ca row missing after insert');
  return stored;
}

async function readCa(db: Knex, secrets: SecretBox): Promise<StoredCa | null> {
  const row = await db('radsec_ca').where({ id: 1 }).first('cert_pem', 'key_enc', 'not_after');
  if (!row) return null;
  return { certPem: String(row.cert_pem), keyPem: secrets.open(String(row.key_enc)), notAfter: new Date(row.not_after) };
}

/** The CA certificate only (PEM), or null before it exists: for pages that must not create it. */
export async function caCertificatePem(db: Knex): Promise<string | null> {
  const row = await db('radsec_ca').where({ id: 1 }).first('cert_pem');
  return row ? String(row.cert_pem) : null;
}

/**
 * The listener's certificate: CN the first name, every name a SAN (RFC 6125: clients match the
 * SAN, not the CN). `names` empty: the host name.
 */
export function issueServerCertificate(ca: CaMaterial, names: string[], now: Date): Promise<IssuedCertificate> {
  const list = names.length ? names : [os.hostname()];
  return issueCertificate(ca, { commonName: list[0]!, purpose: 'server', names: list, now, days: SERVER_DAYS });
}

/** RADSEC_SERVER_NAMES split on commas, blanks dropped. */
export function serverNames(configured: string | undefined): string[] {
  return (configured ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
