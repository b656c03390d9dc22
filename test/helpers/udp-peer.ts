/**
 * A bare UDP peer for scenario tests that need what radclient cannot do: resend the very same
 * bytes (a retransmission), send from another loopback address (an unknown NAS), send packets
 * built by hand (Proxy-State without Message-Authenticator, malformed ones).
 */
import dgram from 'node:dgram';

export interface UdpPeer {
  /** Sends `packet` and resolves with the first datagram received within `timeoutMs`, or null. */
  request(packet: Buffer, port: number, timeoutMs?: number): Promise<Buffer | null>;
  /** Sends without waiting. */
  send(packet: Buffer, port: number): void;
  close(): void;
}

/** A peer bound to `address` (any 127.x.y.z works on Linux loopback). */
export async function createUdpPeer(address = '127.0.0.1'): Promise<UdpPeer> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  const waiting: Array<(b: Buffer) => void> = [];
  socket.on('message', (msg) => waiting.shift()?.(msg));
  return {
    request(packet, port, timeoutMs = 1000) {
      return new Promise((resolve) => {
        const done = (b: Buffer | null): void => {
          clearTimeout(timer);
          const i = waiting.indexOf(onMsg);
          if (i >= 0) waiting.splice(i, 1);
          resolve(b);
        };
        const onMsg = (b: Buffer): void => done(b);
        const timer = setTimeout(() => done(null), timeoutMs);
        waiting.push(onMsg);
        socket.send(packet, port, '127.0.0.1');
      });
    },
    send(packet, port) {
      socket.send(packet, port, '127.0.0.1');
    },
    close() {
      socket.close();
    },
  };
}
