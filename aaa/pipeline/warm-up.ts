/**
 * Warm-up of the Access-Request path, before a radius process opens its sockets.
 *
 * A fresh Node process runs its JavaScript in the interpreter until V8 has seen enough calls to
 * compile it (MD5 for Message-Authenticator and PAP, decode, the decision, the reply writer,
 * the duplicate cache). Measured on 2 cores (`npm run bench:radius -- --scenario reconnect-storm
 * --subscribers 100000 --spread 5`, Access-Requests only): a cold server answered 6,700–8,900 of
 * the 20,000 requests of the first second, RouterOS's 300 ms timer resent the rest, and the
 * retransmissions kept the server behind until most subscribers gave up; the same server after
 * 10,000 earlier requests answered every request of the storm at p99 10–43 ms, none resent.
 * A router rebooting right after a restart of this server meets the cold case.
 *
 * So each Access-Request process first answers `requests` Access-Requests of its own, over
 * loopback, through the same code on a scratch world: its own server on 127.0.0.1 and a random
 * port, a replica holding one NAS (127.0.0.1, a random secret, Message-Authenticator required),
 * one plan and 64 subscriptions, a throwaway metrics registry, a post-auth log that keeps
 * nothing, and no database (a lookup the scratch replica cannot answer is refused). Every eighth
 * request carries a wrong password, so the Access-Reject path is compiled too. Nothing of it
 * reaches the real replica, metrics, post-auth log or PostgreSQL.
 *
 * Requests are kept 32 in flight; the warm-up ends after `requests` replies or `deadlineMs`,
 * whichever comes first, and never fails the start (a stuck warm-up only costs its deadline).
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { dictionary } from '../codec/dictionary.js';
import { Code } from '../codec/packet.js';
import { hideUserPassword } from '../codec/user-password.js';
import { PacketWriter } from '../codec/writer.js';
import { createRadiusMetrics } from '../metrics/radius-metrics.js';
import { AccessReplica, type NasEntry } from '../replica/access-replica.js';
import { createAccessRequestHandler } from './access-request.js';
import { createRadiusServer } from './radius-server.js';

const SUBSCRIPTIONS = 64;
const IN_FLIGHT = 32;

export interface WarmUpResult {
  /** Replies received: `requests` unless the deadline came first. */
  answered: number;
  ms: number;
}

/** The scratch world: a replica that knows only the warm-up's NAS, plan and subscriptions. */
function scratchReplica(secrets: SecretBox, timeZone: string, nas: NasEntry): AccessReplica {
  const replica = new AccessReplica(secrets, timeZone);
  replica.putNas([nas]);
  replica.putPlans([{
    id: 1, name: 'warm-up', rateLimit: '10M/20M', quotaBytes: null, fupRateLimit: null, softLimitRateLimit: null, framedPool: 'warm-up',
    mikrotikGroup: null, sessionTimeout: null, idleTimeout: null, simultaneousUse: 1, billingCycle: 'monthly', cycleDays: null,
  }]);
  replica.putSubscriptions(Array.from({ length: SUBSCRIPTIONS }, (_, i) => ({
    id: i + 1, customerId: i + 1, planId: 1, username: `warm-up-${i}`, passwordEnc: secrets.seal(`warm-up-${i}`), serviceType: 'pppoe' as const,
    status: 'active' as const, billingType: 'postpaid' as const, anchorDay: 1, startDate: '2026-01-01', paidUntil: null, staticIp: null, framedPool: null, macAddress: null,
  })));
  return replica;
}

/** Access-Request `seq` of the warm-up: subscription seq mod 64, PAP, as RouterOS sends it; every eighth with a wrong password. */
function requestWriter(secret: Buffer): (seq: number) => Buffer {
  const d = dictionary();
  const A = {
    userName: d.attr('User-Name'), userPassword: d.attr('User-Password'), serviceType: d.attr('Service-Type'), framedProtocol: d.attr('Framed-Protocol'),
    callingStationId: d.attr('Calling-Station-Id'), nasIdentifier: d.attr('NAS-Identifier'), nasPortType: d.attr('NAS-Port-Type'),
  };
  const w = new PacketWriter();
  return (seq) => {
    const i = seq % SUBSCRIPTIONS;
    const authenticator = randomBytes(16);
    const password = seq % 8 === 7 ? 'wrong' : `warm-up-${i}`;
    return w.reset(Code.AccessRequest, seq & 255, authenticator).messageAuthenticator()
      .add(A.userName, `warm-up-${i}`).add(A.userPassword, hideUserPassword(password, authenticator, secret))
      .add(A.serviceType, 'Framed-User').add(A.framedProtocol, 'PPP').add(A.nasPortType, 'Ethernet')
      .add(A.callingStationId, `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`).add(A.nasIdentifier, 'warm-up')
      .toAccessRequest(secret);
  };
}

/**
 * Runs the warm-up described in the header.
 * @param opts.requests Access-Requests to answer (RADIUS_WARM_UP_REQUESTS); 0 skips the warm-up
 * @param opts.deadlineMs the longest it may take, milliseconds (default 10,000)
 * @returns replies received and the time taken; never throws: without a loopback socket it logs a warning and returns 0 answered
 */
export async function warmUpAccessPath(opts: {
  requests: number;
  secrets: SecretBox;
  timeZone: string;
  clock: Clock;
  log: Logger;
  interimInterval: number;
  staleAfterMs: number;
  deadlineMs?: number;
}): Promise<WarmUpResult> {
  const started = performance.now();
  if (opts.requests <= 0) return { answered: 0, ms: 0 };
  const secret = randomBytes(16);
  const nas: NasEntry = { id: 1, name: 'warm-up', ipAddress: '127.0.0.1', secret, vendor: 'mikrotik', coaPort: 3799, requireMessageAuthenticator: true };
  const replica = scratchReplica(opts.secrets, opts.timeZone, nas);
  const noDatabase = (): Promise<never> => Promise.reject(new Error('the warm-up has no database'));
  const server = createRadiusServer({
    replica,
    log: opts.log.child({ warmUp: true }, { level: 'warn' }),
    metrics: createRadiusMetrics(new Registry(), replica),
    host: '127.0.0.1',
    authPort: 0,
    acctPort: 0,
    serve: 'auth',
    exclusive: true, // in a cluster worker, port 0 without it is one socket shared by every worker
    handleAccess: createAccessRequestHandler({
      index: replica,
      sync: { lookupUsername: noDatabase, lookupVoucher: noDatabase, loadUsage: noDatabase, loadOpenSessions: noDatabase },
      startVoucher: noDatabase,
      clock: opts.clock,
      postAuth: { add: () => {}, flush: () => Promise.resolve(), close: () => Promise.resolve() },
      interimInterval: opts.interimInterval,
      staleAfterMs: opts.staleAfterMs,
    }),
    handleAccounting: noDatabase,
  });
  const client = dgram.createSocket('udp4');
  const request = requestWriter(secret);
  let sent = 0;
  let answered = 0;
  try {
    const { authPort } = await server.start();
    await new Promise<void>((resolve, reject) => {
      client.once('error', reject);
      client.bind({ port: 0, address: '127.0.0.1', exclusive: true }, () => { client.off('error', reject); resolve(); });
    });
    client.on('error', (err) => opts.log.warn({ err }, 'Access-Request warm-up socket error'));
    const send = (): void => { client.send(request(sent++), authPort, '127.0.0.1'); };
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, opts.deadlineMs ?? 10_000);
      client.on('message', () => {
        if (++answered >= opts.requests) { clearTimeout(deadline); resolve(); }
        else if (sent < opts.requests) send();
      });
      for (let k = 0; k < Math.min(IN_FLIGHT, opts.requests); k++) send();
    });
  } catch (err) {
    // No loopback socket: the process starts cold rather than not at all.
    opts.log.warn({ err }, 'Access-Request warm-up skipped: no loopback socket');
  } finally {
    try { client.close(); } catch { /* already closed by a failed bind */ }
    await server.stop();
  }
  return { answered, ms: performance.now() - started };
}
