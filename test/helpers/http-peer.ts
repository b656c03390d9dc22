/**
 * The skeleton every local HTTP fake shares (payment gateways, webhook catchers): a server on
 * 127.0.0.1 and a free port that reads each request whole, then hands it to `handle`; JSON
 * answers; a close that drops open (hanging) connections. What each fake answers stays in it.
 */
import http from 'node:http';
import type net from 'node:net';

export interface PeerRequest {
  method: string;
  /** Path and query, as sent. */
  url: URL;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  /** The body parsed as JSON; the text when it is not JSON; undefined when empty. */
  json: unknown;
}

export interface HttpPeer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** `handle` may leave `res` unanswered (a hanging peer): close() still ends the connection. */
export async function startHttpPeer(handle: (req: PeerRequest, res: http.ServerResponse) => void): Promise<HttpPeer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      handle({ method: req.method ?? '', url: new URL(req.url ?? '/', 'http://x'), headers: req.headers, raw, json }, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers `status` with `body` as JSON. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
