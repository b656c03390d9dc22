/**
 * The attributes of Dynamic Authorization (RFC 5176) that the CoA client and nas-control share:
 * how a request names the session to change or end, and the names of the Error-Cause values a
 * NAK carries.
 */
import net from 'node:net';
import { attributeDefs } from '../codec/attribute-defs.js';
import type { AttributeDef } from '../codec/dictionary.js';
import type { AttributeValue } from '../codec/values.js';

/** Error-Cause values (RFC 5176 §3.6). */
export const ERROR_CAUSE_NAMES: Readonly<Record<number, string>> = {
  201: 'Residual-Session-Context-Removed',
  202: 'Invalid-EAP-Packet',
  401: 'Unsupported-Attribute',
  402: 'Missing-Attribute',
  403: 'NAS-Identification-Mismatch',
  404: 'Invalid-Request',
  405: 'Unsupported-Service',
  406: 'Unsupported-Extension',
  407: 'Invalid-Attribute-Value',
  501: 'Administratively-Prohibited',
  502: 'Request-Not-Routable',
  503: 'Session-Context-Not-Found',
  504: 'Session-Context-Not-Removable',
  505: 'Other-Proxy-Processing-Error',
  506: 'Resources-Unavailable',
  507: 'Request-Initiated',
  508: 'Multiple-Session-Selection-Unsupported',
};

const A = attributeDefs({
  userName: 'User-Name',
  acctSessionId: 'Acct-Session-Id',
  framedIp: 'Framed-IP-Address',
  nasIp: 'NAS-IP-Address',
});

/**
 * Session identification for a CoA/Disconnect-Request to a MikroTik NAS (MikroTik manual "RADIUS",
 * RFC 5176 §3): User-Name, Acct-Session-Id, Framed-IP-Address when known (hotspot needs it) and
 * NAS-IP-Address (only for an IPv4 NAS: the attribute holds 4 octets, RFC 2865 §5.4).
 */
export function sessionIdentification(s: {
  username: string;
  acctSessionId: string;
  framedIpAddress?: string | null;
  nasIpAddress?: string | null;
}): Array<[AttributeDef, AttributeValue]> {
  const attrs: Array<[AttributeDef, AttributeValue]> = [
    [A.userName, s.username],
    [A.acctSessionId, s.acctSessionId],
  ];
  if (s.framedIpAddress && net.isIPv4(s.framedIpAddress)) attrs.push([A.framedIp, s.framedIpAddress]);
  if (s.nasIpAddress && net.isIPv4(s.nasIpAddress)) attrs.push([A.nasIp, s.nasIpAddress]);
  return attrs;
}
