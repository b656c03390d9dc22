/**
 * The servers under test of the FreeRADIUS comparison, each a child process on 127.0.0.1 and
 * kernel-chosen free UDP ports: this server (`ROLE=radius`, RADIUS_PROCESSES from the environment
 * or its default) and FreeRADIUS (`freeradius -d DIR -f -l stdout`). A server is ready when it
 * accepts the last subscriber's Access-Request (so its users are loaded, not only its sockets)
 * and, for this server, its accounting process answers Status-Server (it starts on its own: a
 * phase measured before it listened counted its start-up as lost requests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { Code } from '../../aaa/codec/packet.js';
import { accessRequest } from './packets.js';
import { FREERADIUS_BIN } from './freeradius-config.js';
import { statusServer } from './scenario-common.js';

export interface RunningServer {
  name: string;
  authPort: number;
  acctPort: number;
  pid: number;
  /** Answers Status-Server on the accounting port once that port is served (RFC 5997 §3). */
  statusServerOnAcct: boolean;
  /** Last lines the process printed (for the error when it does not become ready). */
  output(): string;
  /** True once the process has ended. */
  exited(): boolean;
  stop(): Promise<void>;
}

/** `n` distinct free UDP ports on 127.0.0.1 (bound, read, released: another process could take them meanwhile). */
export async function freeUdpPorts(n: number): Promise<number[]> {
  const socks = await Promise.all(Array.from({ length: n }, () => new Promise<dgram.Socket>((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = socks.map((s) => s.address().port);
  for (const s of socks) s.close();
  return ports;
}

function track(name: string, child: ChildProcess, authPort: number, acctPort: number, statusServerOnAcct: boolean): RunningServer {
  let tail = '';
  const keep = (b: Buffer): void => { tail = (tail + b.toString()).slice(-4000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    name, authPort, acctPort, pid: child.pid!, statusServerOnAcct,
    output: () => tail,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Starts this server's radius role on its own ports against DATABASE_URL `databaseUrl`;
 * `nodeArgs` go before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function startOurs(databaseUrl: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<RunningServer> {
  const [authPort, acctPort] = await freeUdpPorts(2);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    env: {
      ...env, ROLE: 'radius', DATABASE_URL: databaseUrl, RADIUS_HOST: '127.0.0.1', RADIUS_AUTH_PORT: String(authPort),
      RADIUS_ACCT_PORT: String(acctPort), LOG_LEVEL: env.BENCH_SERVER_LOG_LEVEL ?? 'warn', LOG_FORMAT: 'json', DEMO_DATA: 'false', PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track('this server', child, authPort!, acctPort!, true);
}

/** Starts FreeRADIUS on the configuration directory `dir` (scripts/bench/freeradius-config.ts). */
export function startFreeradius(name: string, dir: string, authPort: number, acctPort: number): RunningServer {
  if (!fs.existsSync(FREERADIUS_BIN)) throw new Error(`${FREERADIUS_BIN} not found: apt-get install freeradius freeradius-postgresql`);
  const child = spawn(FREERADIUS_BIN, ['-d', dir, '-f', '-l', 'stdout'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return track(name, child, authPort, acctPort, false);
}

/** One PAP Access-Request for the last subscriber that is not suspended; true on an Access-Accept within 500 ms. */
function accepts(port: number, subscribers: number, secret: Buffer): Promise<boolean> {
  const last = subscribers % 10 === 0 ? subscribers - 1 : subscribers; // seed:load suspends every tenth
  const pkt = accessRequest(7, subscribers, secret, last);
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(false); }, 500);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m[0] === Code.AccessAccept); });
    s.send(pkt, port, '127.0.0.1');
  });
}

/**
 * Waits until `server` accepts a subscriber (and, when it says so, answers on its accounting port).
 * @throws Error with the server's last output after `ms` milliseconds.
 */
export async function waitReady(server: RunningServer, subscribers: number, secret: Buffer, ms = 180_000): Promise<void> {
  const until = Date.now() + ms;
  const ready = async (): Promise<boolean> =>
    (await accepts(server.authPort, subscribers, secret)) && (!server.statusServerOnAcct || (await statusServer(server.acctPort, secret)));
  while (Date.now() < until && !server.exited()) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${server.name} did not accept a subscriber (${server.exited() ? 'it exited' : `within ${ms / 1000} s`}); its output:\n${server.output()}`);
}
