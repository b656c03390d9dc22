/**
 * What the voucher print form asks (GET query of /admin/vouchers/batches/:id/print): which
 * vouchers (a status, `all`, default `unused`), the card layout, the hotspot login address the QR
 * codes point to, and a note printed on every card.
 *
 * Layouts (the grids and pages in public/voucher-cards.css):
 * - `compact`: A4, 5 × 14 = 70 cards a page (38 × 20 mm), code, price and validity, no QR;
 * - `standard`: A4, 3 × 9 = 27 cards a page (64 × 31 mm), as before plus a 24 mm QR;
 * - `qr-large`: A4, 2 × 5 = 10 cards a page (96 × 55 mm), a 44 mm QR for any phone camera;
 * - `thermal-58`: a 58 mm thermal receipt printer's roll, one card a page of 58 × 90 mm (a strip
 *   segment; 48 mm printed, the usual printable width of a 58 mm head) with the plan, the code in
 *   large type, a 36 mm QR and a cut line under it.
 *
 * The login address defaults to the first host of the `hotspot` settings row's `loginHosts`
 * (portal/hotspot/login-target.ts: the hotspot's address as guests reach it, or its dns-name),
 * else RouterOS's default hotspot address http://10.5.50.1.
 */
import net from 'node:net';
import { VOUCHER_STATUSES, type VoucherStatus } from '../../billing/access/voucher-access.js';
import type { Knex } from '../../lib/db.js';
import { readSetting } from '../../lib/settings-store.js';
import { queryValue } from '../../lib/http/request.js';
import { DEFAULT_HOTSPOT_LOGIN_ADDRESS, hotspotLoginAddress } from './voucher-qr.js';

export const CARD_LAYOUTS = ['compact', 'standard', 'qr-large', 'thermal-58'] as const;
export type CardLayout = (typeof CARD_LAYOUTS)[number];

/** Cards on one printed page per layout: columns × rows of the A4 grid in public/voucher-cards.css; one per 58 mm strip. */
export const CARDS_PER_PAGE: Readonly<Record<CardLayout, number>> = { compact: 70, standard: 27, 'qr-large': 10, 'thermal-58': 1 };

export interface PrintOptions {
  /** '' for every status. */
  status: VoucherStatus | '';
  layout: CardLayout;
  /** The login address as typed (or the default), shown back in the form. */
  loginTyped: string;
  /** The normalized origin, or null when what was typed is not an http(s) address. */
  loginAddress: string | null;
  /** Up to 80 characters, printed on every card. */
  note: string;
}

/** The default hotspot login address: `hotspot.loginHosts[0]` as http://host, else http://10.5.50.1. */
export async function defaultLoginAddress(db: Knex): Promise<string> {
  const value = (await readSetting(db, 'hotspot')).value as { loginHosts?: unknown } | null;
  const first = Array.isArray(value?.loginHosts) ? value.loginHosts.find((h): h is string => typeof h === 'string' && h.trim() !== '') : undefined;
  const host = first?.trim();
  const address = host ? hotspotLoginAddress(net.isIPv6(host) ? `[${host}]` : host) : null;
  return address ?? DEFAULT_HOTSPOT_LOGIN_ADDRESS;
}

/** The options from the query string; the login address falls back to defaultLoginAddress when not given. */
export async function printOptionsOf(db: Knex, query: Record<string, unknown>): Promise<PrintOptions> {
  const asked = queryValue(query.status);
  const status = asked === 'all' ? '' : (VOUCHER_STATUSES as readonly string[]).includes(asked) ? (asked as VoucherStatus) : 'unused';
  const layoutAsked = queryValue(query.layout);
  const layout = (CARD_LAYOUTS as readonly string[]).includes(layoutAsked) ? (layoutAsked as CardLayout) : 'standard';
  const typed = queryValue(query.login, 200).trim();
  const loginTyped = typed || (await defaultLoginAddress(db));
  return { status, layout, loginTyped, loginAddress: hotspotLoginAddress(loginTyped), note: queryValue(query.note, 80).trim() };
}
