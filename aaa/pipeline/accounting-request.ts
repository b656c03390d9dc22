/**
 * Accounting-Request (its Request Authenticator already verified by the socket glue, RFC 2866 §3):
 * parse → group commit → Accounting-Response only after the row is committed (RFC 2866 §4.1:
 * a request we could not record gets no response, and the NAS retries it).
 *
 * - Beyond RADIUS_ACCT_MAX_IN_FLIGHT records queued or committing, a request is dropped before
 *   any work (`accounting_queue_full`): the NAS retries, and a reply after its timeout (RouterOS:
 *   300 ms) would help nobody.
 * - A request that can never be stored as sent (an octet total above 2^63 − 1) is kept in the
 *   dead letters and answered (result `dead_letter`), so the NAS stops resending it.
 * - Values left out of the record (an absurd Acct-Session-Time) are counted by reason.
 */
import { dictionary } from '../codec/dictionary.js';
import { Code, type Packet } from '../codec/packet.js';
import { PacketWriter } from '../codec/writer.js';
import type { AccountingWriter } from '../accounting/accounting-writer.js';
import { parseAccountingRequest, unstorableReason } from '../accounting/accounting-record.js';
import type { AccessReplica, NasEntry } from '../replica/access-replica.js';
import type { RadiusMetrics } from '../metrics/radius-metrics.js';
import type { AccountingOutcome } from './radius-server.js';

const PROXY_STATE = dictionary().attr('Proxy-State').code;
const RESULT = { start: 'start', interim: 'interim', stop: 'stop', nas_on: 'accounting_on', nas_off: 'accounting_off' } as const;

export function createAccountingRequestHandler(deps: {
  index: AccessReplica;
  writer: AccountingWriter;
  metrics: Pick<RadiusMetrics, 'accountingValueIgnored'>;
}): (p: Packet, nas: NasEntry, receivedAt: number) => Promise<AccountingOutcome> {
  const w = new PacketWriter();
  const subscriptionIdFor = (username: string): number | null => deps.index.subscription(username)?.id ?? null;
  // A voucher session whose Class was lost (a NAS that does not echo it): the code is the
  // username, typed in any case on the router's own login page.
  const voucherIdFor = (username: string): number | null =>
    (deps.index.voucher(username) ?? deps.index.voucher(username.toUpperCase()))?.id ?? null;

  return async function handleAccounting(p, nas, receivedAt) {
    if (!deps.writer.hasRoom()) return { drop: 'accounting_queue_full' };
    const parsed = parseAccountingRequest(p, nas, receivedAt, subscriptionIdFor, voucherIdFor);
    if (!parsed.ok) return { drop: 'bad_accounting' };
    for (const reason of parsed.ignored) deps.metrics.accountingValueIgnored(reason);
    const unstorable = unstorableReason(parsed.record);
    const kept = unstorable ? await deps.writer.deadLetter(parsed.record, unstorable) : await deps.writer.submit(parsed.record);
    // No await below: the writer is shared. No Message-Authenticator: RFC 2866 needs none, and
    // FreeRADIUS computes one in an Accounting-Response over a zero authenticator (unlike every
    // other response), so any choice would fail some peer.
    w.reset(Code.AccountingResponse, p.identifier);
    for (const a of p.attributes) if (a.type === PROXY_STATE && a.vendorId === 0) w.addRaw(a.type, a.value);
    return { reply: w.toResponse(p.authenticator, nas.secret), result: kept === 'stored' ? RESULT[parsed.record.kind] : kept };
  };
}
