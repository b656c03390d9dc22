/**
 * NAS: the routers that ask us (RADIUS clients, RFC 2865 §3). Looked up by source IP; the shared
 * secret and the RouterOS API password are sealed with lib/secret-box.ts (they must be shown
 * again to the technician, so they cannot be hashed).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE nas (
      id bigserial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      ip_address inet NOT NULL UNIQUE CHECK (masklen(ip_address) = CASE WHEN family(ip_address) = 4 THEN 32 ELSE 128 END),
      secret_enc text NOT NULL,
      vendor text NOT NULL DEFAULT 'mikrotik' CHECK (vendor IN ('mikrotik', 'other')),
      coa_port integer NOT NULL DEFAULT 3799 CHECK (coa_port BETWEEN 1 AND 65535),
      -- BlastRADIUS (CVE-2024-3596): drop Access-Requests without Message-Authenticator.
      require_message_authenticator boolean NOT NULL DEFAULT true,
      routeros_api_host text,
      routeros_api_port integer NOT NULL DEFAULT 8728 CHECK (routeros_api_port BETWEEN 1 AND 65535),
      routeros_api_tls boolean NOT NULL DEFAULT false,
      routeros_username text,
      routeros_password_enc text,
      description text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    CREATE TRIGGER nas_updated_at BEFORE UPDATE ON nas FOR EACH ROW EXECUTE FUNCTION set_updated_at();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE nas');
}
