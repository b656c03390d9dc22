/**
 * A RouterOS API server's transport (MikroTik manual "API"): TCP, sentences in and out
 * (simulator/routeros-api/wire.ts), every reply repeating the request's `.tag`. What a command
 * does is the caller's `execute`; this file only frames, tags and keeps per-connection state.
 *
 * A command that answers later (e.g. `/interface/monitor-traffic` without `=once=`, which streams
 * a `!re` a second until `/cancel`) returns undefined from `execute`, writes through
 * `session.send` and registers its stop function in `session.streams` under its tag: closing the
 * connection stops them all.
 */
import net from 'node:net';
import { encodeSentence, sentenceReader } from './wire.js';

export interface ApiSession {
  loggedIn: boolean;
  /** Writes `replies` in one write (node-routeros expects sentences not split mid-word), each with `.tag=tag` when given. */
  send(replies: string[][], tag?: string): void;
  /** Running streamed commands by tag: their stop functions. */
  streams: Map<string, () => void>;
}

export interface ApiServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Accept connections, never answer (a hung router). */
  silent?: boolean;
  /** Sees every sentence received (tag included) before it runs. */
  onSentence?(words: string[]): void;
  /** Runs one command (words without `.tag`): its replies, or undefined when it answers later. */
  execute(words: string[], session: ApiSession, tag: string | undefined): string[][] | undefined;
}

export interface ApiServer {
  port: number;
  /** Connections currently open. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts listening; resolves once bound. @throws Error when the address is taken. */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const session: ApiSession = {
      loggedIn: false,
      streams: new Map(),
      send(replies, tag) {
        if (socket.destroyed) return;
        socket.write(Buffer.concat(replies.map((r) => encodeSentence(tag ? [...r, `.tag=${tag}`] : r))));
      },
    };
    socket.on('close', () => {
      sockets.delete(socket);
      for (const stop of session.streams.values()) stop();
      session.streams.clear();
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', sentenceReader((sentence) => {
      opts.onSentence?.(sentence);
      if (opts.silent) return;
      const tag = sentence.find((w) => w.startsWith('.tag='))?.slice(5);
      const replies = opts.execute(sentence.filter((w) => !w.startsWith('.tag=')), session, tag);
      if (replies) session.send(replies, tag);
    }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => sockets.size,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
