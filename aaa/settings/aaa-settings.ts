/**
 * ISP-wide access settings (the `aaa` row of the settings table), with the defaults used when the
 * row is absent. Staff edit them in the admin console; the radius role sees a change within a
 * second through the replica's LISTEN/NOTIFY.
 */
import { z } from 'zod';
import { isValidRateLimit } from '../../lib/routeros/rate-limit.js';

const rateLimit = z.string().refine(isValidRateLimit, 'not a valid Mikrotik-Rate-Limit');

export const aaaSettingsSchema = z.object({
  /** What a suspended (or expired prepaid) subscriber gets: the walled garden, or an Access-Reject. */
  suspendedAction: z.enum(['walled_garden', 'reject']).default('walled_garden'),
  walledGarden: z
    .object({
      /** Firewall address list the NAS puts the client's IP in (Mikrotik-Address-List). */
      addressList: z.string().min(1).max(64).default('isolir'),
      rateLimit: rateLimit.default('512k/512k'),
      /** IP pool for walled-garden clients (Framed-Pool); null keeps the plan's pool. */
      framedPool: z.string().min(1).max(64).nullable().default(null),
      /** Seconds before the NAS re-authenticates a walled-garden client (Session-Timeout). */
      sessionTimeout: z.number().int().min(60).max(86_400).default(3600),
    })
    .default({ addressList: 'isolir', rateLimit: '512k/512k', framedPool: null, sessionTimeout: 3600 }),
  /** Rate for soft-limited subscriptions whose plan sets none. */
  softLimitRateLimit: rateLimit.default('1M/1M'),
  /** Reply-Message texts (shown by RouterOS in the PPP log / hotspot login page). */
  messages: z
    .object({
      rejected: z.string().max(200).default('Login ditolak / Login rejected'),
      terminated: z.string().max(200).default('Langganan berhenti / Subscription terminated'),
      suspended: z.string().max(200).default('Langganan diisolir, silakan bayar tagihan / Suspended, please pay your invoice'),
      simultaneousUse: z.string().max(200).default('Sudah login di perangkat lain / Already logged in elsewhere'),
      /** A hotspot voucher whose time or data is used up. */
      voucherUsed: z.string().max(200).default('Voucher sudah habis / Voucher used up'),
      /** A hotspot voucher whose validity has ended. */
      voucherExpired: z.string().max(200).default('Voucher kedaluwarsa / Voucher expired'),
    })
    .default({
      rejected: 'Login ditolak / Login rejected',
      terminated: 'Langganan berhenti / Subscription terminated',
      suspended: 'Langganan diisolir, silakan bayar tagihan / Suspended, please pay your invoice',
      simultaneousUse: 'Sudah login di perangkat lain / Already logged in elsewhere',
      voucherUsed: 'Voucher sudah habis / Voucher used up',
      voucherExpired: 'Voucher kedaluwarsa / Voucher expired',
    }),
});

export type AaaSettings = z.infer<typeof aaaSettingsSchema>;

/** Parses the stored JSON; an invalid stored value falls back to the defaults (and `error` says why). */
export function parseAaaSettings(value: unknown): { settings: AaaSettings; error?: string } {
  const parsed = aaaSettingsSchema.safeParse(value ?? {});
  if (parsed.success) return { settings: parsed.data };
  return { settings: aaaSettingsSchema.parse({}), error: parsed.error.message };
}
