/**
 * Hotspot voucher rows for tests, inserted straight into the tables the product uses (the
 * console's generator is tested on its own): a batch with its terms and vouchers with given or
 * random codes; a voucher's row by code; an accounting helper that plays the router's side of a
 * voucher session through radclient.
 */
import type { Knex } from '../../lib/db.js';
import { randomVoucherCode } from '../../billing/access/voucher-code.js';
import { voucherClass } from '../../aaa/policy/reply-attributes.js';
import { radclient, type RadclientReply } from './radclient.js';

export const GIB = 2 ** 30;
export const MIB = 2 ** 20;

export interface VoucherBatchFixture {
  batchId: number;
  vouchers: Array<{ id: number; code: string }>;
}

export async function createVoucherBatch(
  db: Knex,
  over: Partial<{ name: string; planId: number | null; rateLimit: string | null; timeLimitSeconds: number | null; dataLimitBytes: number | null; validitySeconds: number | null; price: number; codes: string[]; quantity: number }> = {},
): Promise<VoucherBatchFixture> {
  const codes = over.codes ?? Array.from({ length: over.quantity ?? 1 }, () => randomVoucherCode());
  const [batch] = await db('voucher_batches').insert({
    name: over.name ?? 'Test batch',
    plan_id: over.planId ?? null,
    rate_limit: over.rateLimit === undefined ? (over.planId ? null : '1M/2M') : over.rateLimit,
    time_limit_seconds: over.timeLimitSeconds === undefined ? 3600 : over.timeLimitSeconds,
    data_limit_bytes: over.dataLimitBytes === undefined ? null : over.dataLimitBytes,
    validity_seconds: over.validitySeconds === undefined ? null : over.validitySeconds,
    price: over.price ?? 5000,
    quantity: codes.length,
  }).returning('id');
  const batchId = Number(batch.id);
  const rows = await db('vouchers').insert(codes.map((code) => ({ batch_id: batchId, code }))).returning(['id', 'code']);
  return { batchId, vouchers: rows.map((r: { id: number; code: string }) => ({ id: Number(r.id), code: r.code })) };
}

/** The vouchers row with this code. */
export async function voucherRow(db: Knex, code: string): Promise<Record<string, unknown>> {
  return db('vouchers').where({ code }).first();
}

/**
 * One Accounting-Request of a hotspot voucher session, as RouterOS sends it: Class as we sent it
 * (unless `withClass` is false), the guest's MAC and address, cumulative counters.
 */
export function voucherAccounting(opts: {
  port: number;
  secret: string;
  voucher: { id: number; code: string };
  sessionId: string;
  status: 'Start' | 'Interim-Update' | 'Stop';
  seconds?: number;
  /** Octets in + out; split 1:3 between upload and download, above 4 GiB with Gigawords. */
  octets?: number;
  mac?: string;
  withClass?: boolean;
}): Promise<RadclientReply> {
  const octets = opts.octets ?? 0;
  const input = Math.floor(octets / 4);
  const output = octets - input;
  const split = (n: number): [number, number] => [Math.floor(n / 2 ** 32), n % 2 ** 32];
  const [inG, inO] = split(input);
  const [outG, outO] = split(output);
  return radclient({
    port: opts.port,
    secret: opts.secret,
    type: 'acct',
    attributes: [
      `User-Name = "${opts.voucher.code}"`, `Acct-Session-Id = "${opts.sessionId}"`, `Acct-Status-Type = ${opts.status}`,
      'NAS-Port-Id = "bridge-hotspot"', 'NAS-Port-Type = Wireless-802.11', `Calling-Station-Id = "${opts.mac ?? 'AA:BB:CC:00:10:01'}"`,
      'Framed-IP-Address = 10.5.50.20',
      ...(opts.withClass === false ? [] : [`Class = 0x${voucherClass(opts.voucher.id).toString('hex')}`]),
      `Acct-Session-Time = ${opts.seconds ?? 0}`,
      `Acct-Input-Octets = ${inO}`, `Acct-Input-Gigawords = ${inG}`, `Acct-Output-Octets = ${outO}`, `Acct-Output-Gigawords = ${outG}`,
      ...(opts.status === 'Stop' ? ['Acct-Terminate-Cause = User-Request'] : []),
    ],
  });
}
