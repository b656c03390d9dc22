/**
 * "wifi": how to change the Wi-Fi name or passphrase, or the change itself through the injected
 * WifiControl (network/genieacs/set-wifi.ts behind it: one GenieACS setParameterValues task;
 * SSID 1–32 octets, IEEE 802.11-2020 §9.4.2.2; WPA2 passphrase 8–63 printable ASCII, Annex J.4.1).
 * Without a linked, seen CPE, or without GenieACS, the customer is sent to the portal. The
 * passphrase is never logged or stored (parse-command.ts storedText masks it).
 */
import type { Locale } from '../../lib/i18n.js';
import type { WifiControl } from './assistant-deps.js';
import type { SenderCustomer, SenderSubscription } from './identify-sender.js';
import { say } from './say.js';

export async function answerWifi(
  wifi: WifiControl | undefined,
  input: { sub: SenderSubscription; customer: SenderCustomer; change: { ssid?: string; password?: string } },
  locale: Locale,
): Promise<string> {
  if (!wifi) return say(locale, 'wifi.portal');
  if (input.change.ssid === undefined && input.change.password === undefined) return say(locale, 'wifi.how');
  const outcome = await wifi.setWifi(input.sub.id, input.change, `whatsapp ${input.customer.customerNumber}`);
  if (outcome.ok) return say(locale, outcome.state === 'done' ? 'wifi.done' : 'wifi.queued');
  if (outcome.code === 'invalid') return say(locale, outcome.errors.ssid ? 'wifi.invalid_ssid' : 'wifi.invalid_password');
  if (outcome.code === 'unreachable') return say(locale, 'wifi.unavailable');
  return say(locale, 'wifi.portal');
}
