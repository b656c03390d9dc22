/**
 * The simulated MikroTik's PPPoE server: subscribers log in over RADIUS, their sessions carry
 * traffic, accounting follows (Start, Interim-Update every interval, Stop), and CoA/Disconnect
 * change or end them (simulator/radius/coa-listener.ts calls `applyCoa` / `logoff`).
 *
 * Per RouterOS (MikroTik manual "RADIUS", "PPP AAA"): the Access-Accept's Framed-IP-Address is
 * used (else an address from the simulated pool 100.64.0.0/16), its Class is echoed in
 * accounting, Acct-Interim-Interval overrides the configured interval, Mikrotik-Rate-Limit caps
 * the session's traffic. A rejected or unanswered login is tried again after `retrySeconds`.
 */
import { attributeDefs } from '../aaa/codec/attribute-defs.js';
import { Code, type Packet } from '../aaa/codec/packet.js';
import { readInteger, readIpv4, readOctets, readString } from '../aaa/codec/values.js';
import type { CoaChanges } from './radius/coa-listener.js';
import type { RadiusClient } from './radius/radius-client.js';
import { accessRequest, accountingRequest, type AcctStatus, type SessionIdentity } from './radius/requests.js';
import { Counters, parseRateLimit, wander, type Rates } from './traffic/traffic.js';

export interface Subscriber {
  username: string;
  password: string;
}

export interface Session extends SessionIdentity {
  /** RouterOS API `.id` of its `/ppp/active` item and of its `<pppoe-…>` interface. */
  apiId: string;
  startedAt: number;
  counters: Counters;
  rates: Rates;
  rateLimit?: string;
  addressList?: string;
  interimTimer?: NodeJS.Timeout;
}

export interface VirtualRouterOptions {
  radius: RadiusClient;
  secret: Buffer;
  nasIp: string;
  identity: string;
  authPort: number;
  acctPort: number;
  /** Seconds between Interim-Updates unless the Access-Accept says otherwise. */
  interimSeconds: number;
  auth: 'pap' | 'chap' | 'mixed';
  retrySeconds: number;
  /** A dropped subscriber dials again after this long. */
  redialSeconds: number;
  say(line: string): void;
}

export interface RouterStats {
  accepts: number;
  rejects: number;
  timeouts: number;
  accountingSent: number;
  accountingLost: number;
  coa: number;
  disconnects: number;
}

const A = attributeDefs({
  cls: 'Class',
  framedIp: 'Framed-IP-Address',
  rateLimit: 'Mikrotik-Rate-Limit',
  addressList: 'Mikrotik-Address-List',
  interim: 'Acct-Interim-Interval',
  replyMessage: 'Reply-Message',
});

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export class VirtualRouter {
  readonly sessions = new Map<string, Session>();
  readonly stats: RouterStats = { accepts: 0, rejects: 0, timeouts: 0, accountingSent: 0, accountingLost: 0, coa: 0, disconnects: 0 };
  private nextSession = 1;
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly o: VirtualRouterOptions) {}

  /** Logs `sub` (the `index`th subscriber, from 1) in; resolves with the session, or null (rejected, no answer). */
  async login(sub: Subscriber, index: number): Promise<Session | null> {
    if (this.stopped || this.sessions.has(sub.username)) return this.sessions.get(sub.username) ?? null;
    const n = this.nextSession++;
    const method = this.o.auth === 'mixed' ? (index % 2 ? 'pap' : 'chap') : this.o.auth;
    const id: SessionIdentity = {
      username: sub.username,
      acctSessionId: `81${hex(Date.now() % 0xffff, 4)}${hex(n, 4)}`,
      nasIp: this.o.nasIp,
      identity: this.o.identity,
      nasPort: 15_728_640 + n,
      callingStationId: `02:5E:${[index >> 24, index >> 16, index >> 8, index].map((b) => hex(b & 255, 2).toUpperCase()).join(':')}`,
    };
    const reply = await this.o.radius.send(this.o.authPort, (ident) => accessRequest(id, sub.password, method, ident, this.o.secret), true);
    if (this.stopped) return null;
    if (!reply || reply.code !== Code.AccessAccept) {
      if (!reply) this.stats.timeouts++;
      else this.stats.rejects++;
      const why = !reply ? 'no answer' : `Access-Reject${readString(reply, A.replyMessage) ? ` (${readString(reply, A.replyMessage)})` : ''}`;
      this.o.say(`login ${sub.username} (${method.toUpperCase()}): ${why}; again in ${this.o.retrySeconds} s`);
      this.retryLater(sub, index, this.o.retrySeconds);
      return null;
    }
    this.stats.accepts++;
    const s = this.open(id, reply, index);
    this.o.say(`login ${sub.username} (${method.toUpperCase()}): Access-Accept, ${s.framedIp}, rate ${s.rateLimit ?? 'unlimited'}${s.addressList ? `, list ${s.addressList}` : ''}`);
    await this.account(s, 'Start');
    return s;
  }

  private open(id: SessionIdentity, reply: Packet, index: number): Session {
    const s: Session = {
      ...id,
      framedIp: readIpv4(reply, A.framedIp) ?? `100.64.${(index >> 8) & 255}.${index & 255}`,
      cls: readOctets(reply, A.cls),
      rateLimit: readString(reply, A.rateLimit),
      addressList: readString(reply, A.addressList),
      apiId: `*${(0x800000 + this.nextSession).toString(16).toUpperCase()}`,
      startedAt: Date.now(),
      counters: new Counters(),
      rates: { rx: 0, tx: 0 },
    };
    const interim = readInteger(reply, A.interim) ?? this.o.interimSeconds;
    s.interimTimer = setInterval(() => void this.account(s, 'Interim-Update'), Math.max(1, interim) * 1000);
    this.sessions.set(s.username, s);
    return s;
  }

  private retryLater(sub: Subscriber, index: number, seconds: number): void {
    const t = setTimeout(() => {
      this.retries.delete(t);
      void this.login(sub, index);
    }, seconds * 1000);
    this.retries.add(t);
  }

  /** Sends one Accounting-Request for `s`; false when the server never answered. */
  async account(s: Session, status: AcctStatus, cause?: 'User-Request' | 'Admin-Reset' | 'NAS-Reboot'): Promise<boolean> {
    const seconds = (Date.now() - s.startedAt) / 1000;
    const reply = await this.o.radius.send(this.o.acctPort, (ident) => accountingRequest(s, status, s.counters, seconds, ident, this.o.secret, cause));
    this.stats.accountingSent++;
    if (!reply || reply.code !== Code.AccountingResponse) {
      this.stats.accountingLost++;
      this.o.say(`accounting ${status} ${s.username} ${s.acctSessionId}: no answer`);
      return false;
    }
    if (status !== 'Interim-Update') this.o.say(`accounting ${status} ${s.username} ${s.acctSessionId}${cause ? ` (${cause})` : ''}`);
    return true;
  }

  /** Ends a session: removed at once, then its Stop is sent; `relogin` logs the subscriber back in after `redialSeconds`. */
  async logoff(s: Session, cause: 'User-Request' | 'Admin-Reset' | 'NAS-Reboot', relogin?: { sub: Subscriber; index: number }): Promise<void> {
    if (this.sessions.get(s.username) !== s) return;
    this.sessions.delete(s.username);
    clearInterval(s.interimTimer);
    this.o.say(`logoff ${s.username} ${s.acctSessionId} (${cause})`);
    await this.account(s, 'Stop', cause);
    if (relogin && !this.stopped) this.retryLater(relogin.sub, relogin.index, this.o.redialSeconds);
  }

  /** A CoA-Request's changes, applied to the live session. */
  applyCoa(s: Session, changes: CoaChanges): void {
    this.stats.coa++;
    if (changes.rateLimit !== undefined) s.rateLimit = changes.rateLimit;
    if (changes.addressList !== undefined) s.addressList = changes.addressList;
    this.o.say(`CoA ${s.username}: ${Object.entries(changes).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing to change'} → CoA-ACK`);
  }

  /** The session `key` names (by Acct-Session-Id first, then User-Name and Framed-IP-Address). */
  find(key: { username?: string; acctSessionId?: string; framedIp?: string }): Session | undefined {
    for (const s of this.sessions.values()) {
      if (key.acctSessionId !== undefined && s.acctSessionId !== key.acctSessionId) continue;
      if (key.username !== undefined && s.username !== key.username) continue;
      if (key.framedIp !== undefined && s.framedIp !== key.framedIp) continue;
      return s;
    }
    return undefined;
  }

  /** Moves every session's traffic on by `seconds`. */
  tick(seconds: number): void {
    for (const s of this.sessions.values()) {
      s.rates = wander(s.rates, parseRateLimit(s.rateLimit));
      s.counters.add(s.rates, seconds);
    }
  }

  /** Stops retries and ends every session with a Stop (NAS-Reboot: the router is going away). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    await Promise.all([...this.sessions.values()].map((s) => this.logoff(s, 'NAS-Reboot')));
  }
}
