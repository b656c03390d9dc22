/**
 * Duplicate detection (RFC 5080 §2.2.2): a retransmission keeps its source address and port,
 * Identifier and authenticator. Within the cache lifetime it gets the reply we already sent, or
 * nothing while the first copy is still being processed (an accounting batch not yet committed),
 * and is never processed twice. RouterOS retransmits after 300 ms, so this is normal under load.
 *
 * Two generations of maps rotated every `ttlMs`: an entry lives between ttlMs and 2 × ttlMs,
 * and expiry costs nothing per packet.
 */
import { timingSafeEqual } from 'node:crypto';

interface Entry {
  authenticator: Buffer;
  /** The reply sent, or null while the request is in progress. */
  reply: Buffer | null;
}

export type DuplicateCheck =
  | { kind: 'new' }
  | { kind: 'in_progress' }
  | { kind: 'replay'; reply: Buffer };

export class DuplicateCache {
  private current = new Map<string, Entry>();
  private previous = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  /** @param ttlMs minimum lifetime of an entry (FreeRADIUS keeps 5 s). */
  constructor(ttlMs = 5000) {
    this.timer = setInterval(() => {
      this.previous = this.current;
      this.current = new Map();
    }, ttlMs);
    this.timer.unref();
  }

  static key(address: string, port: number, identifier: number): string {
    return `${address}:${port}:${identifier}`;
  }

  /**
   * Classifies a request and, when new, records it as in progress. A different authenticator
   * under the same key is a new request (the Identifier was reused) and replaces the entry.
   */
  check(key: string, authenticator: Buffer): DuplicateCheck {
    const e = this.current.get(key) ?? this.previous.get(key);
    if (e && timingSafeEqual(e.authenticator, authenticator)) {
      return e.reply ? { kind: 'replay', reply: e.reply } : { kind: 'in_progress' };
    }
    this.previous.delete(key);
    this.current.set(key, { authenticator, reply: null });
    return { kind: 'new' };
  }

  /** Stores the reply sent for `key` so a retransmission gets it again. */
  complete(key: string, authenticator: Buffer, reply: Buffer): void {
    const e = this.current.get(key) ?? this.previous.get(key);
    // The Identifier may have been reused meanwhile: that newer request owns the entry.
    if (e && !e.authenticator.equals(authenticator)) return;
    this.current.set(key, { authenticator, reply });
  }

  /** Forgets a request that got no reply (dropped or failed), so a retransmission is processed afresh. */
  forget(key: string, authenticator: Buffer): void {
    for (const m of [this.current, this.previous]) {
      const e = m.get(key);
      if (e && e.authenticator.equals(authenticator)) m.delete(key);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
