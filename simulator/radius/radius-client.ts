/**
 * The simulated router's RADIUS client (RFC 2865 §3, RFC 2866 §3): one UDP socket bound to the
 * NAS's own address (the server recognises a NAS by the source address of its packets), one
 * Identifier space per server port, at most 256 requests outstanding per port (the Identifier is
 * one octet); beyond that a request waits for a free one.
 *
 * A request unanswered after `timeoutMs` is sent again unchanged (same Identifier and
 * authenticator, RFC 5080 §2.2.1) `retries` times, then resolves null. An answer counts only when
 * it comes from the server's address and port, carries a pending Identifier and its Response
 * Authenticator (and Message-Authenticator: required when the request asks for it) verifies with
 * the shared secret (aaa/codec/authenticators.ts); anything else is dropped and counted.
 */
import dgram from 'node:dgram';
import { verifyResponse } from '../../aaa/codec/authenticators.js';
import { decodePacket, type Packet } from '../../aaa/codec/packet.js';

export interface RadiusClientOptions {
  /** The NAS address to send from, e.g. 127.0.0.2. */
  bindAddress: string;
  /** The RADIUS server's address. */
  server: string;
  secret: Buffer;
  timeoutMs?: number;
  retries?: number;
}

export interface RadiusClient {
  /**
   * Sends the packet `build(identifier)` returns to `port` and resolves with the verified answer,
   * or null after the retries. `requireMessageAuthenticator`: an answer without one is dropped.
   */
  send(port: number, build: (identifier: number) => Buffer, requireMessageAuthenticator?: boolean): Promise<Packet | null>;
  /** Answers dropped: unknown Identifier or source, malformed, or failing verification. */
  readonly dropped: number;
  close(): Promise<void>;
}

interface Pending {
  authenticator: Buffer;
  requireMa: boolean;
  resolve(p: Packet | null): void;
}

/** Binds the socket; resolves once bound. @throws Error when the address cannot be bound. */
export async function createRadiusClient(opts: RadiusClientOptions): Promise<RadiusClient> {
  const { secret, timeoutMs = 1000, retries = 2 } = opts;
  const socket = dgram.createSocket('udp4');
  const ports = new Map<number, { pending: Map<number, Pending>; next: number; waiters: Array<() => void> }>();
  let dropped = 0;

  socket.on('message', (msg, rinfo) => {
    const state = ports.get(rinfo.port);
    const decoded = decodePacket(msg);
    const p = decoded.ok ? decoded.packet : undefined;
    const pending = p && rinfo.address === opts.server ? state?.pending.get(p.identifier) : undefined;
    if (!p || !pending || !verifyResponse(p, pending.authenticator, secret, pending.requireMa)) return void dropped++;
    pending.resolve(p);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, opts.bindAddress, () => {
      socket.off('error', reject);
      resolve();
    });
  });

  async function identifierFor(port: number): Promise<{ id: number; state: NonNullable<ReturnType<typeof ports.get>> }> {
    let state = ports.get(port);
    if (!state) ports.set(port, (state = { pending: new Map(), next: 0, waiters: [] }));
    while (state.pending.size >= 256) await new Promise<void>((resume) => state.waiters.push(resume));
    while (state.pending.has(state.next)) state.next = (state.next + 1) & 0xff;
    const id = state.next;
    state.next = (id + 1) & 0xff;
    return { id, state };
  }

  return {
    get dropped() {
      return dropped;
    },
    async send(port, build, requireMa = false) {
      const { id, state } = await identifierFor(port);
      const packet = build(id);
      return new Promise<Packet | null>((resolve) => {
        let attempts = 0;
        let timer: NodeJS.Timeout | undefined;
        const finish = (p: Packet | null): void => {
          clearTimeout(timer);
          state.pending.delete(id);
          state.waiters.shift()?.();
          resolve(p);
        };
        const attempt = (): void => {
          if (attempts++ > retries) return finish(null);
          socket.send(packet, port, opts.server);
          timer = setTimeout(attempt, timeoutMs);
        };
        state.pending.set(id, { authenticator: Buffer.from(packet.subarray(4, 20)), requireMa, resolve: finish });
        attempt();
      });
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
