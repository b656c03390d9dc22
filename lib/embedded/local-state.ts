/**
 * Small helpers shared by the embedded PostgreSQL and Redis launchers: a JSON state file per
 * service under DATA_DIR (port, password), and free-port discovery on 127.0.0.1.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** Reads DATA_DIR/<name>.json, or null when absent. */
export async function readState<T>(dataDir: string, name: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dataDir, `${name}.json`), 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes DATA_DIR/<name>.json readable by the owner only (it may hold a password). */
export async function writeState(dataDir: string, name: string, state: unknown): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(path.join(dataDir, `${name}.json`), JSON.stringify(state, null, 2), { mode: 0o600 });
}

/** Resolves true when something accepts TCP connections on 127.0.0.1:port within `timeoutMs`. */
export function isListening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Returns `preferred` when it is free on 127.0.0.1, else a free port chosen by the kernel. */
export async function freePort(preferred = 0): Promise<number> {
  const tryListen = (port: number): Promise<number | null> =>
    new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const addr = server.address();
        server.close(() => resolve(typeof addr === 'object' && addr ? addr.port : null));
      });
    });
  return (preferred && (await tryListen(preferred))) || (await tryListen(0)) || Promise.reject(new Error('no free port'));
}
