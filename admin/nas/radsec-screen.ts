/**
 * The router's RadSec page (ARCHITECTURE.md "RadSec"): whether the listener is on (RADSEC_ENABLED,
 * RADSEC_PORT), the router's current client certificate and the earlier ones, and the RouterOS
 * script (routeros/radsec-script.ts) for the server address typed. Certificates are issued,
 * revoked and downloaded through aaa/radsec/client-certificates.ts (the table's one writer).
 */
import { X509Certificate } from 'node:crypto';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import { listClientCertificates, type ClientCertificateRow } from '../../aaa/radsec/client-certificates.js';
import { caCertificatePem } from '../../aaa/radsec/radsec-ca.js';
import { radsecScript } from './routeros/radsec-script.js';

export interface RadsecPage {
  id: number;
  name: string;
  enabled: boolean;
  port: number;
  current: ClientCertificateRow | null;
  history: ClientCertificateRow[];
  server: string;
  /** The RouterOS script, once there is a certificate (its CA exists) and a server address. */
  script: string | null;
}

/** The CN of a certificate (`CN=…` line of Node's subject; RFC 4514 escapes undone). */
function commonNameOf(pem: string): string {
  const line = new X509Certificate(pem).subject.split('\n').find((l) => l.startsWith('CN=')) ?? 'CN=';
  return line.slice(3).replace(/\\(.)/g, '$1');
}

/** The page of NAS `id`, or null when there is no such router. `server` is already validated. */
export async function radsecPage(deps: { db: Knex; config: Pick<Config, 'RADSEC_ENABLED' | 'RADSEC_PORT'> }, id: number, locale: Locale, server: string): Promise<RadsecPage | null> {
  const nas = await deps.db('nas').where({ id }).first('name');
  if (!nas) return null;
  const all = await listClientCertificates(deps.db, id);
  const current = all.find((c) => !c.revokedAt) ?? null;
  const caPem = current ? await caCertificatePem(deps.db) : null;
  const name = String(nas.name);
  const script = current && caPem && server
    ? radsecScript({ locale, server, port: deps.config.RADSEC_PORT, fileName: `radsec-nas-${id}.pem`, clientCommonName: name, caCommonName: commonNameOf(caPem) })
    : null;
  return {
    id,
    name,
    enabled: deps.config.RADSEC_ENABLED,
    port: deps.config.RADSEC_PORT,
    current,
    history: all.filter((c) => c !== current),
    server,
    script,
  };
}
