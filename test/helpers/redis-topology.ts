/**
 * Real Redis topologies for one test, from Debian's redis-server and redis-cli (package
 * redis-tools, a dependency of redis-server), on 127.0.0.1 and free ports, in a temp directory:
 *
 * - `startSentinelSet()`: a master, one replica of it and one sentinel monitoring the master
 *   under the name `isp-master` (quorum 1), as redis.io "High availability with Redis Sentinel"
 *   describes (`redis-server sentinel.conf --sentinel`; the sentinel rewrites its own config file).
 * - `startCluster()`: three masters with `cluster-enabled yes` joined by
 *   `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` (redis.io "Scale with Redis
 *   Cluster"), ready once every node reports `cluster_state:ok`.
 * Every process is ours and stopped by its pid in `stop()`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../lib/embedded/local-state.js';

const run = promisify(execFile);

interface Group { dir: string; children: ChildProcess[]; stop(): Promise<void> }

async function group(name: string): Promise<Group> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `isp-${name}-`));
  const children: ChildProcess[] = [];
  return {
    dir, children,
    async stop() {
      await Promise.all(children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts redis-server with `args` (after an optional config file) and waits until it answers PING. */
async function redisServer(g: Group, port: number, args: string[], configFile?: string): Promise<void> {
  const child = spawn('redis-server', [...(configFile ? [configFile] : []), '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', g.dir, ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  g.children.push(child);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited (${child.exitCode})`);
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {}); // refused until the server listens
    const ok = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
    probe.disconnect();
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SentinelSet {
  /** redis+sentinel://127.0.0.1:<sentinel port>/isp-master */
  url: string;
  masterPort: number;
  replicaPort: number;
  sentinelPort: number;
  /** The port of the master the sentinel currently names. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSentinelSet(): Promise<SentinelSet> {
  const g = await group('sentinel');
  const [masterPort, replicaPort, sentinelPort] = [await freePort(0), await freePort(0), await freePort(0)];
  try {
    await redisServer(g, masterPort, []);
    await redisServer(g, replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)]);
    const conf = path.join(g.dir, 'sentinel.conf');
    await fs.writeFile(conf, [
      `sentinel monitor isp-master 127.0.0.1 ${masterPort} 1`,
      'sentinel down-after-milliseconds isp-master 2000',
      'sentinel failover-timeout isp-master 10000',
      '',
    ].join('\n'));
    const child = spawn('redis-server', [conf, '--sentinel', '--port', String(sentinelPort), '--bind', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    g.children.push(child);
  } catch (err) {
    await g.stop();
    throw err;
  }
  const sentinel = (): Redis => new Redis({ host: '127.0.0.1', port: sentinelPort, retryStrategy: () => null, maxRetriesPerRequest: 1 });
  const set: SentinelSet = {
    url: `redis+sentinel://127.0.0.1:${sentinelPort}/isp-master`,
    masterPort, replicaPort, sentinelPort,
    async currentMasterPort() {
      const s = sentinel();
      try {
        const [, port] = (await s.call('SENTINEL', 'get-master-addr-by-name', 'isp-master')) as [string, string];
        return Number(port);
      } finally {
        s.disconnect();
      }
    },
    stop: () => g.stop(),
  };
  // Ready when the sentinel names the master and has discovered its replica.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = sentinel();
    const replicas = await s.call('SENTINEL', 'replicas', 'isp-master').then((r) => (r as unknown[]).length, () => 0);
    s.disconnect();
    if (replicas > 0) return set;
    if (Date.now() > deadline) {
      await g.stop();
      throw new Error('the sentinel did not discover the replica');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface RedisClusterSet {
  /** redis+cluster://127.0.0.1:<a>,127.0.0.1:<b>,127.0.0.1:<c> */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

export async function startCluster(): Promise<RedisClusterSet> {
  const g = await group('cluster');
  const ports: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const [port, bus] = [await freePort(0), await freePort(0)];
      ports.push(port);
      // cluster-port: the bus port, explicit because port + 10000 may be past 65535 for a kernel-chosen port.
      await redisServer(g, port, ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(g.dir, `nodes-${port}.conf`), '--cluster-port', String(bus), '--cluster-node-timeout', '5000']);
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const states = await Promise.all(ports.map(async (port) => (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).stdout));
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await g.stop();
    throw err;
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop: () => g.stop() };
}
