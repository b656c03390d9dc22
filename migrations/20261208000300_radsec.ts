/**
 * RadSec (RFC 6614, aaa/radsec/): the internal CA and the per-NAS client certificates.
 *
 * - `radsec_ca`: one row (id 1), created on first use; the private key sealed with
 *   lib/secret-box.ts (`v1:…`), never stored in clear.
 * - `radsec_client_certificates`: every certificate issued to a NAS, kept after revocation for
 *   the record. A TLS client is accepted when the SHA-256 fingerprint of the certificate it
 *   presents is one of these rows, not revoked, of an active NAS: revoking is setting
 *   `revoked_at` (no CRL to distribute). At most one unrevoked certificate per NAS. The client
 *   key is sealed too, so the bundle can be downloaded again (each download is audited).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE radsec_ca (
      id smallint PRIMARY KEY CHECK (id = 1),
      cert_pem text NOT NULL,
      key_enc text NOT NULL,
      not_after timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE radsec_client_certificates (
      id bigserial PRIMARY KEY,
      nas_id bigint NOT NULL REFERENCES nas ON DELETE CASCADE,
      serial text NOT NULL UNIQUE,
      fingerprint text NOT NULL UNIQUE CHECK (fingerprint ~ '^([0-9A-F]{2}:){31}[0-9A-F]{2}$'),
      cert_pem text NOT NULL,
      key_enc text NOT NULL,
      not_after timestamptz NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      issued_by text NOT NULL,
      revoked_at timestamptz,
      revoked_by text
    );
    CREATE UNIQUE INDEX radsec_client_certificates_one_active ON radsec_client_certificates (nas_id) WHERE revoked_at IS NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE radsec_client_certificates; DROP TABLE radsec_ca');
}
