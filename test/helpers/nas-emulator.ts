/**
 * A NAS for tests: plays a MikroTik router's `/radius incoming` (RFC 5176 receiver) on
 * 127.0.0.1 and an ephemeral UDP port.
 *
 * Every CoA-Request and Disconnect-Request is checked like a NAS does (RFC 5176 §3.5): its
 * Request Authenticator and Message-Authenticator must verify with the shared secret, or it is
 * dropped and counted in `dropped`. The checks and the answers' signatures are
 * radius-authenticators.ts (node:crypto, from the RFCs), not aaa/codec: the code under test is
 * not its own judge. Accepted requests are
 * recorded in `received` (retransmissions too: each has its Identifier and authenticator), and
 * answered per `behaviour`, which a test may change at any time:
 * - `{ reply: 'ack' }`: CoA-ACK / Disconnect-ACK;
 * - `{ reply: 'nak', errorCause }`: CoA-NAK / Disconnect-NAK with Error-Cause (RFC 5176 §3.6);
 * - `{ reply: 'silent' }`: no answer at all;
 * - `{ reply: 'ack', silentFor: n }`: no answer to the first n requests, then ACK (retransmission tests).
 * `coa` and `disconnect` set a behaviour per request kind; `default` covers the other.
 * Responses carry a Message-Authenticator first, as RouterOS 7.15+ does; `responseSecret` signs
 * them with another secret (a forged answer).
 */
import dgram from 'node:dgram';
import { Code, decodePacket } from '../../aaa/codec/packet.js';
import { describeAttributes } from '../../aaa/codec/values.js';
import { checkSignedRequest, signedResponse } from './radius-authenticators.js';

export interface Behaviour {
  reply: 'ack' | 'nak' | 'silent';
  errorCause?: number;
  /** Stay silent for this many requests (counted per behaviour) before replying. */
  silentFor?: number;
}

export interface ReceivedRequest {
  code: number;
  kind: 'coa' | 'disconnect';
  identifier: number;
  /** Hex of the Request Authenticator. */
  authenticator: string;
  /** It carried a Message-Authenticator (verified, like the Request Authenticator, or it would have been dropped). */
  messageAuthenticator: boolean;
  attributes: Array<[string, string | number]>;
  from: { address: string; port: number };
}

export interface NasEmulatorOptions {
  secret: string | Buffer;
  behaviour?: { default?: Behaviour; coa?: Behaviour; disconnect?: Behaviour };
  /** Sign responses with this secret instead of the shared one. */
  responseSecret?: string | Buffer;
}

export interface NasEmulator {
  port: number;
  received: ReceivedRequest[];
  /** Requests dropped: malformed, not CoA/Disconnect, or failing authenticator checks. */
  dropped: number;
  behaviour: { default: Behaviour; coa?: Behaviour; disconnect?: Behaviour };
  /** The value of attribute `name` in `r`, or undefined. */
  attr(r: ReceivedRequest, name: string): string | number | undefined;
  close(): Promise<void>;
}

/** Error-Cause (RFC 5176 §3.6), an integer. */
const ERROR_CAUSE = 101;

/** Starts the emulator on 127.0.0.1 and a free port. */
export async function startNasEmulator(opts: NasEmulatorOptions): Promise<NasEmulator> {
  const secret = Buffer.from(opts.secret);
  const responseSecret = Buffer.from(opts.responseSecret ?? opts.secret);
  const socket = dgram.createSocket('udp4');
  const silenced = new Map<Behaviour, number>();

  const emu: NasEmulator = {
    port: 0,
    received: [],
    dropped: 0,
    behaviour: { default: { reply: 'ack' }, ...opts.behaviour },
    attr: (r, name) => r.attributes.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };

  socket.on('message', (msg, rinfo) => {
    const decoded = decodePacket(msg);
    if (!decoded.ok) return void emu.dropped++;
    const p = decoded.packet;
    const kind = p.code === Code.CoARequest ? 'coa' : p.code === Code.DisconnectRequest ? 'disconnect' : undefined;
    // RFC 5176 §3.5: a request whose authenticators do not verify is silently discarded.
    if (!kind) return void emu.dropped++;
    const check = checkSignedRequest(msg, secret);
    if (!check.authenticator || check.messageAuthenticator === 'invalid') return void emu.dropped++;
    emu.received.push({
      code: p.code,
      kind,
      identifier: p.identifier,
      authenticator: p.authenticator.toString('hex'),
      messageAuthenticator: check.messageAuthenticator === 'valid',
      attributes: describeAttributes(p),
      from: { address: rinfo.address, port: rinfo.port },
    });

    const b = emu.behaviour[kind] ?? emu.behaviour.default;
    const seen = silenced.get(b) ?? 0;
    if (seen < (b.silentFor ?? 0)) return void silenced.set(b, seen + 1);
    if (b.reply === 'silent') return;
    const ack = b.reply === 'ack';
    const code = kind === 'coa' ? (ack ? Code.CoAACK : Code.CoANAK) : ack ? Code.DisconnectACK : Code.DisconnectNAK;
    const attributes: Array<[number, Buffer]> = [];
    if (!ack && b.errorCause !== undefined) {
      const value = Buffer.alloc(4);
      value.writeUInt32BE(b.errorCause);
      attributes.push([ERROR_CAUSE, value]);
    }
    socket.send(signedResponse(code, p.identifier, p.authenticator, attributes, responseSecret), rinfo.port, rinfo.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  emu.port = socket.address().port;
  return emu;
}

/**
 * Resolves with the next CoA- or Disconnect-Request for `username` the emulator receives (after
 * those already received) and how many ms after the call it came; null after `ms`.
 */
export function nextNasRequest(nas: NasEmulator, username: string, ms = 10_000): Promise<{ request: ReceivedRequest; ms: number } | null> {
  const skip = nas.received.length;
  const t0 = Date.now();
  return new Promise((resolve) => {
    const poll = (): void => {
      const request = nas.received.slice(skip).find((r) => nas.attr(r, 'User-Name') === username);
      if (request) resolve({ request, ms: Date.now() - t0 });
      else if (Date.now() - t0 > ms) resolve(null);
      else setTimeout(poll, 5);
    };
    poll();
  });
}
