/**
 * The RouterOS 7 script that moves a router's RADIUS client to RadSec (RFC 6614), after the
 * technician has uploaded the bundle from the router's RadSec page (key, client certificate, CA
 * in one PEM file) to the router's Files:
 *
 * 1. `/certificate import file-name=… passphrase=""`: every PEM block of the file (help.mikrotik.com
 *    "Certificates"); the client certificate gets its key (flag K), the CA is marked trusted.
 * 2. `/radius add … protocol=radsec certificate=…` (help.mikrotik.com "RADIUS": `protocol (radsec |
 *    udp)`, `certificate`: "Certificate file to use for communicating with RADIUS Server with RadSec
 *    enabled"); the secret is "radsec" (RFC 6614 §2.3 item 4). The certificate is found by its
 *    common name (the NAS's name) and its private key, whatever name the import gave it.
 * 3. The UDP entry of the setup script (`billing: RADIUS`) is disabled, not removed: re-enabling it
 *    is the way back. CoA / Disconnect (`/radius incoming`, RFC 5176) stay on UDP 3799 with the
 *    router's shared secret: RouterOS receives them over UDP only.
 *
 * Not verified on a router here: the `find where … private-key` filter and whether RouterOS takes
 * `authentication-port` for RadSec (it is set to the RadSec port in case it does).
 */
import { t, type Locale } from '../../../lib/i18n.js';
import { quote } from '../../../lib/routeros/script-syntax.js';

export interface RadsecScriptInput {
  locale: Locale;
  /** This server's address as the router reaches it. */
  server: string;
  /** RADSEC_PORT. */
  port: number;
  /** The bundle's file name on the router (radsec-nas-<id>.pem). */
  fileName: string;
  /** Common names: the client certificate's (the NAS's name) and the CA's. */
  clientCommonName: string;
  caCommonName: string;
}

export const RADSEC_COMMENT = 'billing: RadSec';
const UDP_COMMENT = 'billing: RADIUS';

export function radsecScript(i: RadsecScriptInput): string {
  const c = (key: string): string => `# ${t(i.locale, `radsec.script.${key}`)}`;
  const file = quote(i.fileName);
  const tag = quote(RADSEC_COMMENT);
  return [
    c('upload').replace('{file}', i.fileName),
    c('clock'),
    `:if ([:len [/file find where name=${file}]] = 0) do={ :error ${quote(`${i.fileName}?`)} }`,
    `/certificate import file-name=${file} passphrase=""`,
    `/certificate set [find where common-name=${quote(i.caCommonName)}] trusted=yes`,
    c('radius'),
    `/radius remove [find where comment=${tag}]`,
    `/radius add service=ppp,hotspot address=${i.server} protocol=radsec secret=radsec` +
      ` certificate=[/certificate get ([find where common-name=${quote(i.clientCommonName)} private-key]->0) name]` +
      ` authentication-port=${i.port} accounting-port=${i.port} timeout=1s comment=${tag}`,
    c('udp_off'),
    `/radius disable [find where comment=${quote(UDP_COMMENT)}]`,
    c('coa'),
    '',
  ].join('\n');
}
