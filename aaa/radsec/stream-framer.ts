/**
 * RADIUS packets on a byte stream (RadSec, RFC 6614 §2.5; RADIUS over TCP, RFC 6613 §2.6.4):
 * TCP keeps no message boundaries, so a packet ends where its Length field says (octets 3-4 of
 * the header, RFC 2865 §3). A read may hold part of a packet, exactly one, or several; the framer
 * buffers until a packet is whole and hands out each one.
 *
 * A Length below 20 (the header) or above 4096 (RFC 2865 §3's maximum) cannot be a RADIUS
 * packet: the stream can no longer be trusted to be in step, so the framer reports `bad_length`
 * and the caller closes the connection (RFC 6613 §2.6.4: "the connection MUST be closed"; there is
 * no way to find the next packet boundary). Nothing beyond the header is checked here: decoding
 * is aaa/codec/packet.ts's job.
 */
import { HEADER_LENGTH, MAX_PACKET_LENGTH } from '../codec/packet.js';

export type FrameResult = { packets: Buffer[]; error: null } | { packets: Buffer[]; error: 'bad_length' };

export class StreamFramer {
  private pending: Buffer = Buffer.alloc(0);
  private failed = false;

  /** Octets received but not yet part of a whole packet. */
  get buffered(): number {
    return this.pending.length;
  }

  /**
   * Adds `chunk` and returns the whole packets now available, in order (each its own copy,
   * exactly Length octets). After an error the framer stays failed: every later call returns
   * the error and no packet.
   */
  push(chunk: Buffer): FrameResult {
    if (this.failed) return { packets: [], error: 'bad_length' };
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const packets: Buffer[] = [];
    while (data.length >= 4) {
      const length = data.readUInt16BE(2);
      if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH) {
        this.failed = true;
        this.pending = Buffer.alloc(0);
        return { packets, error: 'bad_length' };
      }
      if (data.length < length) break;
      packets.push(Buffer.from(data.subarray(0, length)));
      data = data.subarray(length);
    }
    // Keep a copy of the tail only: `chunk` belongs to the socket.
    this.pending = Buffer.from(data);
    return { packets, error: null };
  }
}
