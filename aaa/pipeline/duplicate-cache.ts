/**
 * Duplicate detection (RFC 5080 §2.2.2): a retransmission keeps its source address and port,
 * Identifier and authenticator. Within `ttlMs` it gets the reply we already sent, or nothing
 * while the first copy is still being processed (an accounting batch not yet committed), and is
 * never processed twice. RouterOS retransmits after 300 ms, so this is normal under load.
 *
 * The cache lives outside the JavaScript heap: a fixed open-addressing table in typed arrays,
 * replies stored inline. At 20,000 requests a second it holds 100,000 entries; as heap objects
 * they would all be copied by every young-generation GC on their way to the old generation,
 * and those pauses were the p99 latency. Each key probes a few slots; when all are taken by
 * live entries, the one closest to expiry makes room (capacity is sized for ttlMs at the
 * target rate, so that only happens beyond it).
 */

export type DuplicateCheck =
  | { kind: 'new' }
  | { kind: 'in_progress' }
  | { kind: 'replay'; reply: Buffer };

const PROBES = 8;
/** Replies up to this size are stored in the table; longer ones (rare) in a side map. */
const INLINE = 192;

export class DuplicateCache {
  private readonly keys: Float64Array;
  private readonly expires: Float64Array;
  private readonly auth: Uint8Array;
  private readonly replyLength: Uint16Array;
  private readonly replies: Buffer;
  private readonly large = new Map<number, Buffer>();
  private readonly mask: number;
  private readonly shift: number;

  /**
   * @param ttlMs how long an entry answers retransmissions (FreeRADIUS keeps 5 s)
   * @param capacity slots, rounded up to a power of two; about rate × ttl (default 131,072: 5 s at 26,000/s, ~26 MB)
   */
  constructor(
    private readonly ttlMs = 5000,
    capacity = 1 << 17,
    private readonly now: () => number = Date.now,
  ) {
    const bits = Math.max(4, Math.ceil(Math.log2(capacity)));
    const n = 1 << bits;
    this.mask = n - 1;
    this.shift = 32 - bits;
    this.keys = new Float64Array(n);
    this.expires = new Float64Array(n);
    this.auth = new Uint8Array(n * 16);
    this.replyLength = new Uint16Array(n);
    this.replies = Buffer.alloc(n * INLINE);
  }

  /** The key of a request: NAS (the source address, by its id), source port, Identifier. */
  static key(nasId: number, sourcePort: number, identifier: number): number {
    return (nasId * 65_536 + sourcePort) * 256 + identifier + 1; // + 1: 0 marks an empty slot
  }

  private home(key: number): number {
    return Math.imul((key % 0x1_0000_0000) ^ Math.floor(key / 0x1_0000_0000), 0x9e3779b1) >>> this.shift;
  }

  // A plain comparison: the authenticator is on the wire for anyone to see, nothing secret leaks.
  private sameAuth(slot: number, authenticator: Buffer): boolean {
    const a = this.auth;
    const o = slot * 16;
    for (let i = 0; i < 16; i++) if (a[o + i] !== authenticator[i]) return false;
    return true;
  }

  /** The live slot holding `key`, or -1. */
  private find(key: number, t: number): number {
    const h = this.home(key);
    for (let i = 0; i < PROBES; i++) {
      const s = (h + i) & this.mask;
      if (this.keys[s] === key && this.expires[s]! > t) return s;
    }
    return -1;
  }

  /** A slot for a new entry of `key`: its own, else a free or expired one, else the one expiring first. */
  private claim(key: number, t: number): number {
    const h = this.home(key);
    let best = h & this.mask;
    for (let i = 0; i < PROBES; i++) {
      const s = (h + i) & this.mask;
      if (this.keys[s] === key || this.keys[s] === 0 || this.expires[s]! <= t) return s;
      if (this.expires[s]! < this.expires[best]!) best = s;
    }
    return best;
  }

  private write(slot: number, key: number, authenticator: Buffer, reply: Buffer | null, t: number): void {
    this.keys[slot] = key;
    this.expires[slot] = t + this.ttlMs;
    this.auth.set(authenticator.subarray(0, 16), slot * 16);
    this.large.delete(slot);
    if (!reply) {
      this.replyLength[slot] = 0;
    } else if (reply.length <= INLINE) {
      reply.copy(this.replies, slot * INLINE);
      this.replyLength[slot] = reply.length;
    } else {
      this.large.set(slot, Buffer.from(reply));
      this.replyLength[slot] = 0xffff;
    }
  }

  /**
   * Classifies a request without recording it: a retransmission (`replay`, `in_progress`) or
   * `new`. The server asks this before it decodes a datagram, so a retransmission costs no
   * decode nor signature check; only a request that passed them is recorded (`check`).
   */
  peek(key: number, authenticator: Buffer): DuplicateCheck {
    const s = this.find(key, this.now());
    if (s < 0 || !this.sameAuth(s, authenticator)) return { kind: 'new' };
    return this.classify(s);
  }

  private classify(s: number): DuplicateCheck {
    const len = this.replyLength[s]!;
    if (len === 0) return { kind: 'in_progress' };
    // A copy: the slot may be reused before the datagram leaves.
    const reply = len === 0xffff ? this.large.get(s)! : this.replies.subarray(s * INLINE, s * INLINE + len);
    return { kind: 'replay', reply: Buffer.from(reply) };
  }

  /**
   * Classifies a request and, when new, records it as in progress. A different authenticator
   * under the same key is a new request (the Identifier was reused) and replaces the entry.
   */
  check(key: number, authenticator: Buffer): DuplicateCheck {
    const t = this.now();
    const s = this.find(key, t);
    if (s >= 0 && this.sameAuth(s, authenticator)) return this.classify(s);
    this.write(s >= 0 ? s : this.claim(key, t), key, authenticator, null, t);
    return { kind: 'new' };
  }

  /** Stores the reply sent for `key`, so a retransmission gets it again for ttlMs. */
  complete(key: number, authenticator: Buffer, reply: Buffer): void {
    const t = this.now();
    const s = this.find(key, t);
    // The Identifier may have been reused meanwhile: that newer request owns the entry.
    if (s >= 0 && !this.sameAuth(s, authenticator)) return;
    this.write(s >= 0 ? s : this.claim(key, t), key, authenticator, reply, t);
  }

  /** Forgets a request that got no reply (dropped or failed), so a retransmission is processed afresh. */
  forget(key: number, authenticator: Buffer): void {
    const s = this.find(key, this.now());
    if (s >= 0 && this.sameAuth(s, authenticator)) {
      this.keys[s] = 0;
      this.large.delete(s);
    }
  }
}
