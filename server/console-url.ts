/**
 * Where the staff console can be reached, for the "started" log line: PUBLIC_URL when set, else
 * http://HOST:PORT (for HOST 0.0.0.0 / :: the machine's first external IPv4 address), plus a
 * hint when the console listens on loopback only (the default HOST) and no PUBLIC_URL says a
 * reverse proxy forwards to it.
 */
import os from 'node:os';
import type { Config } from '../lib/config.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const ANY = new Set(['0.0.0.0', '::', '']);

/** @param port the port the HTTP server is bound to */
export function consoleUrl(config: Pick<Config, 'HOST' | 'PUBLIC_URL'>, port: number): { url: string; hint: string | null } {
  if (config.PUBLIC_URL) return { url: `${config.PUBLIC_URL.replace(/\/+$/, '')}/admin`, hint: null };
  const host = ANY.has(config.HOST) ? externalIPv4() : config.HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/admin`;
  const hint = LOOPBACK.has(config.HOST)
    ? `the console listens on ${config.HOST} only: from another machine use a reverse proxy (README: "Behind a reverse proxy (https)") and set PUBLIC_URL, or set HOST=0.0.0.0`
    : null;
  return { url, hint };
}

function externalIPv4(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return 'localhost';
}
