/**
 * What a customer's WhatsApp message asks for (pure: no database, no clock). The first word
 * decides, case and punctuation aside; the language follows the word when it belongs to one
 * language only ("tagihan" → id, "bill" → en), else the conversation keeps its own:
 *
 * | words (id / en)                          | command  | argument                          |
 * |------------------------------------------|----------|-----------------------------------|
 * | bantuan, menu / help, ?                  | help     | —                                 |
 * | tagihan, bayar / bill, invoice, pay      | bill     | —                                 |
 * | status, cek / check                      | status   | —                                 |
 * | lapor, gangguan / report, problem        | report   | the rest of the message, trimmed  |
 * | wifi nama X / wifi name X                | wifi     | `{ ssid: X }`                     |
 * | wifi sandi X / wifi password X           | wifi     | `{ password: X }`                 |
 * | wifi                                     | wifi     | — (how to change it)              |
 * | pilih, langganan / choose, account       | choose   | — (pick another subscription)     |
 * | 1 … 99 (only while a choice is asked)    | number   | the number                        |
 * | anything else                            | other    | the whole text (goes to staff)    |
 *
 * A Wi-Fi name keeps its case and inner spaces (IEEE 802.11 SSIDs are octets); a passphrase is
 * taken as typed after the keyword.
 */
import type { Locale } from '../../lib/i18n.js';

export type Command =
  | { kind: 'help' | 'bill' | 'status' | 'choose' }
  | { kind: 'report'; text: string }
  | { kind: 'wifi'; ssid?: string; password?: string }
  | { kind: 'number'; value: number }
  | { kind: 'other'; text: string };

export interface Parsed {
  command: Command;
  /** The language the words belong to, or null when they say nothing about it. */
  locale: Locale | null;
}

const WORDS: Record<string, { kind: 'help' | 'bill' | 'status' | 'report' | 'choose'; locale: Locale | null }> = {
  bantuan: { kind: 'help', locale: 'id' }, menu: { kind: 'help', locale: null }, help: { kind: 'help', locale: 'en' }, '?': { kind: 'help', locale: null },
  tagihan: { kind: 'bill', locale: 'id' }, bayar: { kind: 'bill', locale: 'id' }, bill: { kind: 'bill', locale: 'en' }, invoice: { kind: 'bill', locale: 'en' }, pay: { kind: 'bill', locale: 'en' },
  status: { kind: 'status', locale: null }, cek: { kind: 'status', locale: 'id' }, check: { kind: 'status', locale: 'en' },
  lapor: { kind: 'report', locale: 'id' }, gangguan: { kind: 'report', locale: 'id' }, report: { kind: 'report', locale: 'en' }, problem: { kind: 'report', locale: 'en' },
  pilih: { kind: 'choose', locale: 'id' }, langganan: { kind: 'choose', locale: 'id' }, choose: { kind: 'choose', locale: 'en' }, account: { kind: 'choose', locale: 'en' },
};

const WIFI_FIELDS: Record<string, { field: 'ssid' | 'password'; locale: Locale }> = {
  nama: { field: 'ssid', locale: 'id' }, name: { field: 'ssid', locale: 'en' }, ssid: { field: 'ssid', locale: 'en' },
  sandi: { field: 'password', locale: 'id' }, 'kata sandi': { field: 'password', locale: 'id' }, password: { field: 'password', locale: 'en' },
};

/** Reads one message; `expectingNumber` when the assistant asked the customer to pick from a list. */
export function parseCommand(text: string, expectingNumber = false): Parsed {
  const trimmed = text.trim();
  if (expectingNumber && /^\d{1,2}$/.test(trimmed)) return { command: { kind: 'number', value: Number(trimmed) }, locale: null };
  const [head = ''] = trimmed.split(/\s+/);
  const word = head === '?' ? head : head.toLowerCase().replace(/[.!,:;?]+$/, '');
  const remainder = trimmed.slice(head.length).trim();

  if (word === 'wifi' || word === 'wi-fi') {
    const m = /^wi-?fi\s+(kata\s+sandi|nama|name|ssid|sandi|password)\s+(.+)$/is.exec(trimmed);
    const field = m ? WIFI_FIELDS[m[1]!.toLowerCase().replace(/\s+/g, ' ')] : undefined;
    if (!m || !field) return { command: { kind: 'wifi' }, locale: null };
    const value = m[2]!.trim();
    return { command: field.field === 'ssid' ? { kind: 'wifi', ssid: value } : { kind: 'wifi', password: value }, locale: field.locale };
  }
  const known = WORDS[word];
  if (!known) return { command: { kind: 'other', text: trimmed }, locale: null };
  if (known.kind === 'report') return { command: { kind: 'report', text: remainder }, locale: known.locale };
  return { command: { kind: known.kind }, locale: known.locale };
}

/** The text to store for a message: a Wi-Fi passphrase is masked (it must not sit in the database or a staff screen). */
export function storedText(text: string, parsed: Parsed): string {
  if (parsed.command.kind === 'wifi' && parsed.command.password !== undefined) {
    const at = text.lastIndexOf(parsed.command.password);
    return at >= 0 && parsed.command.password ? `${text.slice(0, at)}••••••••` : text;
  }
  return text;
}
