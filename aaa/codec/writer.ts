/**
 * RADIUS packet encoding into one reusable scratch buffer, finished by signing:
 * - `toResponse`: Access-Accept/Reject/Challenge, Accounting-Response, CoA/Disconnect-ACK/NAK.
 *   Message-Authenticator goes first when requested (BlastRADIUS, CVE-2024-3596:
 *   draft-ietf-radext-deprecating-radius §5.2), before any other attribute.
 * - `toSignedRequest`: Accounting-, CoA- and Disconnect-Request (RFC 2866 §3, RFC 5176 §2.3).
 * - `toAccessRequest`: Access-Request / Status-Server with a caller-chosen authenticator (tests,
 *   benchmarks, health checks).
 * Each `to*` returns a new Buffer of exactly Length octets; the writer can then be `reset` and reused.
 */
import type { AttributeDef } from './dictionary.js';
import { signAccessRequest, signRequest, signResponse } from './authenticators.js';
import { Code, HEADER_LENGTH, MAX_PACKET_LENGTH, MESSAGE_AUTHENTICATOR, VENDOR_SPECIFIC } from './packet.js';
import { encodeValue, type AttributeValue } from './values.js';

export class PacketWriter {
  private readonly buf = Buffer.alloc(MAX_PACKET_LENGTH);
  private pos = HEADER_LENGTH;
  private maOffset = -1;

  constructor(code = 0, identifier = 0) {
    this.reset(code, identifier);
  }

  /** Starts a new packet. `authenticator` (16 octets) is written now when given: an Access-Request's random one. */
  reset(code: number, identifier: number, authenticator?: Buffer): this {
    this.buf[0] = code;
    this.buf[1] = identifier & 0xff;
    if (authenticator) authenticator.copy(this.buf, 4, 0, 16);
    else this.buf.fill(0, 4, 20);
    this.pos = HEADER_LENGTH;
    this.maOffset = -1;
    return this;
  }

  /**
   * Reserves a Message-Authenticator (zeros until signed), placed where the writer is: call it
   * first for a response (`toResponse` refuses one anywhere else).
   * @throws Error when the packet already has one (a second MA makes the packet invalid).
   */
  messageAuthenticator(): this {
    if (this.maOffset !== -1) throw new Error('packet already has a Message-Authenticator');
    this.ensure(18);
    this.buf[this.pos] = MESSAGE_AUTHENTICATOR;
    this.buf[this.pos + 1] = 18;
    this.buf.fill(0, this.pos + 2, this.pos + 18);
    this.maOffset = this.pos + 2;
    this.pos += 18;
    return this;
  }

  /** Adds attribute `def` (standard or vendor-specific) with `value`. @throws RangeError when it does not fit. */
  add(def: AttributeDef, value: AttributeValue): this {
    // Fast paths write in place: no intermediate Buffer for the common string and integer values.
    if (typeof value === 'string' && def.dataType === 'string') {
      const n = Buffer.byteLength(value, 'utf8');
      this.buf.write(value, this.header(def.code, def.vendorId, n), 'utf8');
      return this;
    }
    if (typeof value === 'number' && (def.dataType === 'integer' || def.dataType === 'date') && value >= 0 && value <= 0xffffffff && Number.isInteger(value)) {
      this.buf.writeUInt32BE(value, this.header(def.code, def.vendorId, 4));
      return this;
    }
    const bytes = encodeValue(def, value);
    bytes.copy(this.buf, this.header(def.code, def.vendorId, bytes.length));
    return this;
  }

  /**
   * Writes the header of attribute `type` (of `vendorId`, in its own Vendor-Specific wrapper, when
   * not 0) for a value of `n` octets and moves past the value; returns where the value goes.
   * @throws RangeError over 253 octets (247 for a vendor attribute) or past 4096 in all.
   */
  private header(type: number, vendorId: number, n: number): number {
    const b = this.buf;
    const at = this.pos;
    if (!vendorId) {
      if (n > 253) throw new RangeError(`attribute ${type}: value of ${n} octets exceeds 253`);
      this.ensure(2 + n);
      b[at] = type;
      b[at + 1] = 2 + n;
      this.pos = at + 2 + n;
      return at + 2;
    }
    if (n > 247) throw new RangeError(`vendor ${vendorId} attribute ${type}: value of ${n} octets exceeds 247`);
    this.ensure(8 + n);
    b[at] = VENDOR_SPECIFIC;
    b[at + 1] = 8 + n;
    b.writeUInt32BE(vendorId, at + 2);
    b[at + 6] = type;
    b[at + 7] = 2 + n;
    this.pos = at + 8 + n;
    return at + 8;
  }

  /** Adds a standard attribute from raw bytes (at most 253 octets, RFC 2865 §5). */
  addRaw(type: number, value: Buffer): this {
    value.copy(this.buf, this.header(type, 0, value.length));
    return this;
  }

  /** Adds a vendor attribute in its own Vendor-Specific attribute (RFC 2865 §5.26 standard format, at most 247 octets). */
  addVendor(vendorId: number, vendorType: number, value: Buffer): this {
    value.copy(this.buf, this.header(vendorType, vendorId, value.length));
    return this;
  }

  /**
   * Signs as a response to a request whose authenticator is `requestAuthenticator`.
   * @throws Error when a Message-Authenticator was added but is not the first attribute, or is in
   *   an Accounting-Response (FreeRADIUS computes that one over a zero authenticator, unlike every
   *   other response, so no choice interoperates: we send none).
   */
  toResponse(requestAuthenticator: Buffer, secret: Buffer): Buffer {
    if (this.maOffset !== -1 && this.maOffset !== HEADER_LENGTH + 2) {
      throw new Error('Message-Authenticator must be the first attribute of a response (CVE-2024-3596)');
    }
    if (this.maOffset !== -1 && this.buf[0] === Code.AccountingResponse) {
      throw new Error('no Message-Authenticator in an Accounting-Response');
    }
    requestAuthenticator.copy(this.buf, 4, 0, 16);
    const out = this.finish();
    signResponse(out, this.maOffset, secret);
    return out;
  }

  /** Signs as an Accounting-, CoA- or Disconnect-Request (authenticator computed). */
  toSignedRequest(secret: Buffer): Buffer {
    const out = this.finish();
    signRequest(out, this.maOffset, secret);
    return out;
  }

  /** Finishes an Access-Request / Status-Server with the authenticator given to `reset`, signing its MA. */
  toAccessRequest(secret: Buffer): Buffer {
    const out = this.finish();
    signAccessRequest(out, this.maOffset, secret);
    return out;
  }

  private finish(): Buffer {
    this.buf.writeUInt16BE(this.pos, 2);
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private ensure(n: number): void {
    if (this.pos + n > MAX_PACKET_LENGTH) throw new RangeError('RADIUS packet would exceed 4096 octets');
  }
}
