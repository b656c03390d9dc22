/**
 * `npm run bench:sign-in [-- --signins 80 --seconds 10 --rate 100 --keep]`
 *
 * Does a burst of console sign-ins slow RADIUS down when both run in one process (ROLE with web
 * and radius, RADIUS_PROCESSES=1)? bcrypt at PASSWORD_HASH_ROUNDS (12 unless set) costs about a
 * quarter of a second a password; RouterOS retransmits an Access-Request after 300 ms.
 *
 * In a scratch database `isp_bench_sign_in` beside the configured one (see bench-scratch.ts):
 * seeds 1,000 subscribers and the NAS 127.0.0.1 (seed-load.ts), starts the radius role and the
 * web role in this process on 127.0.0.1, then sends Access-Requests (PAP, at --rate a second,
 * open loop) twice for --seconds each:
 * 1. alone (the baseline);
 * 2. while --signins clients each post wrong passwords to /admin/login in a loop, each from its
 *    own loopback address (127.0.1.x), so the per-address brake (30 a quarter hour) does not
 *    refuse them before bcrypt runs; half name a staff account, half an unknown user.
 * Prints the Access-Request round trip p50 / p99 / max in ms, replies over 300 ms and timeouts
 * (no reply within 1 s) for both, and how many sign-ins were answered. The scratch database is
 * dropped at the end unless `--keep`; the Redis keys live under their own prefix.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { dictionary } from '../aaa/codec/dictionary.js';
import { startRadiusRole } from '../server/radius-role.js';
import { Code } from '../aaa/codec/packet.js';
import { hideUserPassword } from '../aaa/codec/user-password.js';
import { PacketWriter } from '../aaa/codec/writer.js';
import { hashPassword } from '../lib/password.js';
import { createBillingEngine } from '../billing/engine/engine.js';
import { loadConfig } from '../lib/config.js';
import { freePort } from '../lib/embedded/local-state.js';
import { createHttpServer } from '../web/app.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { startWebRole } from '../web/web-role.js';
import { packetSet, percentile, runLoad, type LoadResult } from './bench/load-generator.js';
import { openScratch } from './bench-scratch.js';
import { seedLoad } from './seed-load.js';

const { values } = parseArgs({
  options: {
    signins: { type: 'string', default: '80' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
  },
});
const SIGNINS = Number(values.signins);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
if (!Number.isInteger(SIGNINS) || SIGNINS < 1 || SIGNINS > 250) throw new Error('--signins must be an integer from 1 to 250');
if (!(SECONDS > 0) || !(RATE > 0)) throw new Error('--seconds and --rate must be positive');
const SUBSCRIBERS = 1000;
const SECRET = 'bench-secret-0123';

const prefix = `bench-sign-in-${process.pid}`;
const config = loadConfig({
  ...process.env,
  QUEUE_PREFIX: prefix,
  LOG_LEVEL: 'error',
  NODE_ENV: 'production',
  APP_SECRET_KEY: process.env.APP_SECRET_KEY ?? randomBytes(32).toString('hex'),
  PUBLIC_URL: 'http://127.0.0.1',
});
const log = createLogger('error', { script: 'bench:sign-in' }, config.LOG_FORMAT);
const say = (msg: string): void => void process.stdout.write(`${msg}\n`);

const scratch = await openScratch({ config, log, name: 'isp_bench_sign_in', clockStart: '2026-12-07T02:00:00Z' });
const { c } = scratch;
const roles: Array<{ stop(): Promise<void> }> = [];
try {
  await migrateLatest(c.db);
  await seedLoad(c.db, c.secrets, { subscribers: SUBSCRIBERS, nasIp: '127.0.0.1', secret: SECRET });
  await c.db('staff_users').insert({ username: 'bench-kasir', name: 'Kasir Bench', password_hash: await hashPassword(randomBytes(12).toString('hex'), config.PASSWORD_HASH_ROUNDS), role: 'cashier' });

  const radius = await startRadiusRole(c, { host: '127.0.0.1', authPort: 0, acctPort: 0, schedule: false });
  roles.push(radius);
  const web = createHttpServer(c, () => []);
  startWebRole(c, web, createBillingEngine(c, { clock: scratch.clock }));
  const port = await web.listen('127.0.0.1', await freePort(0));
  roles.push({ stop: () => web.close() });

  const d = dictionary();
  const A = (name: string) => d.attr(name);
  const w = new PacketWriter();
  const secret = Buffer.from(SECRET);
  const accessRequests = (count: number) => [packetSet(count, (k) => {
    const i = 1 + (k % SUBSCRIBERS);
    const auth = randomBytes(16);
    w.reset(Code.AccessRequest, k % 256, auth).messageAuthenticator()
      .add(A('User-Name'), `user${i}`).add(A('NAS-IP-Address'), '127.0.0.1').add(A('NAS-Port-Type'), 'Ethernet')
      .add(A('Service-Type'), 'Framed-User').add(A('Framed-Protocol'), 'PPP').add(A('User-Password'), hideUserPassword(`pass${i}`, auth, secret));
    return w.toAccessRequest(secret);
  })];
  const radiusLoad = (seconds = SECONDS): Promise<LoadResult> =>
    runLoad({ host: '127.0.0.1', port: radius.ports.authPort, packets: accessRequests(Math.ceil(RATE * seconds * 1.2)), durationMs: seconds * 1000, rate: RATE });

  /** One wrong sign-in from `localAddress`; resolves with the status. */
  const signIn = (localAddress: string, username: string): Promise<number> => new Promise((resolve, reject) => {
    const body = new URLSearchParams({ username, password: 'not the password at all' }).toString();
    const req = http.request({ host: '127.0.0.1', port, path: '/admin/login', method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });

  const report = (name: string, r: LoadResult, extra = ''): void => {
    const ms = (p: number): string => percentile(r.latencies, p).toFixed(1);
    say(`${name.padEnd(28)} Access-Request p50 ${ms(50)} ms  p99 ${ms(99)} ms  max ${ms(100)} ms  over 300 ms: ${r.late}  timeouts: ${r.timeouts}  (${r.answered}/${r.sent} answered)${extra}`);
    say(`${''.padEnd(28)} replies over 5 ms, per second: ${r.slowPerSecond.join(' ')}`);
  };

  // Warm-up: templates compiled, the unknown-user hash made, connections open.
  await signIn('127.0.0.1', 'nobody');
  await radiusLoad(1);
  say(`PASSWORD_HASH_ROUNDS ${config.PASSWORD_HASH_ROUNDS}, ${RATE} Access-Requests a second for ${SECONDS} s each`);
  report('alone', await radiusLoad());

  let running = true;
  const answered: Record<number, number> = {};
  const clients = Array.from({ length: SIGNINS }, async (_, k) => {
    const from = `127.0.1.${k + 1}`;
    while (running) {
      const status = await signIn(from, k % 2 ? 'bench-kasir' : `nobody-${k}`);
      answered[status] = (answered[status] ?? 0) + 1;
    }
  });
  const during = await radiusLoad();
  running = false;
  await Promise.all(clients);
  report(`${SIGNINS} sign-ins at once`, during, `; sign-ins answered: ${Object.entries(answered).map(([s, n]) => `${n}× ${s}`).join(', ')}`);
} finally {
  for (const role of roles.reverse()) await role.stop();
  const keys = await c.redis.keys(`${prefix}:*`);
  if (keys.length) await c.redis.del(...keys);
  await scratch.close({ keep: values.keep });
}
