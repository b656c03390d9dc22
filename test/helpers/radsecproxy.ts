/**
 * radsecproxy (Debian package radsecproxy) as the RadSec client in scenario tests: it listens on
 * UDP for radclient and forwards over TLS to our listener with a client certificate, as a router
 * with `/radius … protocol=radsec` would (radsecproxy.conf(5)).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RadsecProxy {
  /** UDP port radclient sends to. */
  udpPort: number;
  /** Shared secret between radclient and the proxy. */
  udpSecret: string;
  /** What the proxy logged (LogLevel 5), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Starts radsecproxy forwarding to 127.0.0.1:`radsecPort` with `bundlePem` (key + client
 * certificate + CA, as the console's download) and `caPem` to verify our server certificate
 * (whose SANs must include 127.0.0.1: CertificateNameCheck stays on). Resolves once it listens.
 */
export async function startRadsecProxy(opts: { radsecPort: number; bundlePem: string; caPem: string }): Promise<RadsecProxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radsecproxy-'));
  const udpPort = await freeUdpPort();
  const udpSecret = 'proxy-udp-secret';
  fs.writeFileSync(path.join(dir, 'bundle.pem'), opts.bundlePem, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'ca.pem'), opts.caPem);
  const logFile = path.join(dir, 'radsecproxy.log');
  fs.writeFileSync(path.join(dir, 'radsecproxy.conf'), `
ListenUDP 127.0.0.1:${udpPort}
LogLevel 5
LogDestination file://${logFile}
tls default {
    CACertificateFile ${path.join(dir, 'ca.pem')}
    CertificateFile ${path.join(dir, 'bundle.pem')}
    CertificateKeyFile ${path.join(dir, 'bundle.pem')}
}
client radclient {
    host 127.0.0.1
    type udp
    secret ${udpSecret}
}
server ours {
    host 127.0.0.1
    port ${opts.radsecPort}
    type tls
    secret radsec
}
realm * {
    server ours
    accountingServer ours
}
`);
  const child: ChildProcess = spawn('radsecproxy', ['-f', '-c', path.join(dir, 'radsecproxy.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { output += b.toString(); });
  const log = (): string => output + (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  // Listening once the UDP port is taken.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`radsecproxy exited (${child.exitCode}):\n${log()}`);
    const probe = dgram.createSocket('udp4');
    const taken = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(true));
      probe.bind(udpPort, '127.0.0.1', () => resolve(false));
    });
    try {
      probe.close();
    } catch {
      // never bound
    }
    if (taken) break;
    if (Date.now() > deadline) throw new Error(`radsecproxy did not listen:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    udpPort,
    udpSecret,
    log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
