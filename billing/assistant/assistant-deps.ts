/**
 * What the WhatsApp assistant needs from the process, passed in (ARCHITECTURE.md, "Conventions":
 * dependencies are passed in). billing/ imports only lib/ ("Dependency rules"), so the Wi-Fi
 * change, which lives in network/genieacs/set-wifi.ts, arrives as the small `WifiControl`
 * interface built by the web wiring (web/whatsapp-routes.ts).
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';

/** The outcome of a Wi-Fi change, as network/genieacs/set-wifi.ts reports it. */
export type WifiOutcome =
  | { ok: true; state: 'done' | 'queued' }
  | { ok: false; code: 'invalid'; errors: Partial<Record<'ssid' | 'password', string>> }
  | { ok: false; code: 'off' | 'no_cpe' | 'not_seen' | 'not_supported' | 'unreachable' };

export interface WifiControl {
  /**
   * Sets the SSID and/or WPA2 passphrase of the CPE linked to the subscription. `actor` names
   * who asked in the audit log (`whatsapp CUST0001`); the passphrase is never logged.
   */
  setWifi(subscriptionId: number, change: { ssid?: string; password?: string }, actor: string): Promise<WifiOutcome>;
}

export interface AssistantDeps {
  db: Knex;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn'>;
  /** The ISP's time zone (dates in answers, ticket references). */
  timeZone: string;
  /** The signed pay link of an invoice (billing/engine/engine.ts payUrl: GET /pay/<token>). */
  payUrl(invoiceId: number): string;
  /** Absent: Wi-Fi changes are not offered on WhatsApp (the portal is named instead). */
  wifi?: WifiControl;
  /** Inbound messages one number may send per window (default 20), and the window in minutes (default 10). */
  rateLimit?: { messages: number; windowMinutes: number };
}

/** One inbound text message, whichever provider brought it. */
export interface InboundMessage {
  provider: 'cloud' | 'fonnte';
  /** The provider's id of the message (redeliveries are recognised by it), or null when it gives none. */
  providerMessageId: string | null;
  /** The sender's number as the provider wrote it (`6281234567890`). */
  from: string;
  text: string;
}
