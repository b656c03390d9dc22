/**
 * What every benchmark's RouterOS-like PPPoE packets are made of: the dictionary attributes they
 * carry, and subscriber i's MAC (Calling-Station-Id) and framed IPv4 address.
 */
import { dictionary } from '../../aaa/codec/dictionary.js';

const d = dictionary();

/** The attributes the benchmarks send, by name. */
export const A = Object.fromEntries(
  ['User-Name', 'User-Password', 'NAS-IP-Address', 'NAS-Port', 'NAS-Port-Id', 'NAS-Port-Type', 'Service-Type', 'Framed-Protocol',
    'Calling-Station-Id', 'Called-Station-Id', 'NAS-Identifier', 'Acct-Session-Id', 'Acct-Status-Type', 'Acct-Session-Time',
    'Acct-Input-Octets', 'Acct-Output-Octets', 'Acct-Input-Gigawords', 'Acct-Output-Gigawords', 'Acct-Input-Packets',
    'Acct-Output-Packets', 'Framed-IP-Address', 'Acct-Delay-Time', 'Event-Timestamp', 'Class'].map((n) => [n, d.attr(n)]),
) as Record<string, ReturnType<typeof d.attr>>;

/** Subscriber i's MAC address, 02:00:xx:xx:xx:xx (locally administered), as RouterOS writes it. */
export const mac = (i: number): string =>
  `02:00:${[(i >>> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;

/** Subscriber i's framed address in 10.0.0.0/8. */
export const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
