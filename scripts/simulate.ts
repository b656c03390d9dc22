/**
 * `npm run simulate -- --subscribers N [--nas-ip 127.0.0.x] [--devices M]`
 *
 * Starts a virtual MikroTik router (simulator/start-simulator.ts) beside a running server
 * (`npm start`): registers its NAS, subscribers (user1..userN / pass1..passN) and devices in the
 * database the server uses (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR:
 * server/services.ts resolveDatabase, as seed:load does; scripts/simulator-registration.ts),
 * then logs the subscribers in on RADIUS_AUTH_PORT / RADIUS_ACCT_PORT and prints what happens.
 * Ctrl-C logs everyone off (Accounting Stop) and exits.
 *
 * Options: --subscribers (20), --nas-ip (127.0.0.2; the demo NAS is 127.0.0.1), --devices (6),
 * --rate logins/s (10), --auth pap|chap|mixed, --secret (default: the NAS's stored one, else new),
 * --coa-port (3799), --api-port (8728), --snmp-port (1161), --logoff-every seconds (60; 0 never),
 * --flap-period / --flap-down seconds (300 / 60), --interim seconds (RADIUS_INTERIM_INTERVAL).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.js';
import { createDb } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { createSecretBox, resolveKey } from '../lib/secret-box.js';
import { resolveDatabase } from '../server/services.js';
import { startSimulator, type Simulator } from '../simulator/start-simulator.js';
import { registerSimulator, simulatorSecret } from './simulator-registration.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '20' },
    'nas-ip': { type: 'string', default: '127.0.0.2' },
    devices: { type: 'string', default: '6' },
    rate: { type: 'string', default: '10' },
    auth: { type: 'string', default: 'mixed' },
    secret: { type: 'string' },
    'coa-port': { type: 'string', default: '3799' },
    'api-port': { type: 'string', default: '8728' },
    'snmp-port': { type: 'string', default: '1161' },
    'logoff-every': { type: 'string', default: '60' },
    'flap-period': { type: 'string', default: '300' },
    'flap-down': { type: 'string', default: '60' },
    interim: { type: 'string' },
  },
});

function whole(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

async function main(): Promise<void> {
  const n = whole('subscribers', values.subscribers, 1, 100_000);
  const nasIp = values['nas-ip'];
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(nasIp)) throw new Error('--nas-ip must be a loopback address 127.x.y.z (the simulator binds to it)');
  const auth = values.auth;
  if (auth !== 'pap' && auth !== 'chap' && auth !== 'mixed') throw new Error('--auth must be pap, chap or mixed');
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, {}, config.LOG_FORMAT);
  const database = await resolveDatabase(config, log);
  const db = createDb({ url: database.url });
  let sim: Simulator | undefined;
  const shutdown = async (): Promise<void> => {
    await sim?.stop();
    await db.destroy();
    await database.stop();
  };
  try {
    await migrateLatest(db);
    const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
    const secret = await simulatorSecret(db, secrets, nasIp, values.secret);
    sim = await startSimulator({
      nasIp, secret, auth,
      radiusHost: config.RADIUS_HOST === '0.0.0.0' ? '127.0.0.1' : config.RADIUS_HOST,
      authPort: config.RADIUS_AUTH_PORT, acctPort: config.RADIUS_ACCT_PORT,
      subscribers: Array.from({ length: n }, (_, i) => ({ username: `user${i + 1}`, password: `pass${i + 1}` })),
      loginRate: whole('rate', values.rate, 1, 10_000),
      interimSeconds: values.interim ? whole('interim', values.interim, 1, 86_400) : config.RADIUS_INTERIM_INTERVAL,
      coaPort: whole('coa-port', values['coa-port'], 1, 65_535),
      api: { port: whole('api-port', values['api-port'], 1, 65_535) },
      snmp: { port: whole('snmp-port', values['snmp-port'], 1, 65_535) },
      devices: whole('devices', values.devices, 0, 2_000),
      flap: { periodSeconds: whole('flap-period', values['flap-period'], 2, 86_400), downSeconds: whole('flap-down', values['flap-down'], 1, 86_400) },
      logoffEverySeconds: whole('logoff-every', values['logoff-every'], 0, 86_400),
      register: async (e) => {
        await registerSimulator(db, secrets, e, n);
        process.stdout.write(`registered NAS ${nasIp} (secret ${secret}), ${n} subscribers user1..user${n} / pass1..pass${n} (every tenth suspended), ${e.devices.length + 1} devices\n`);
      },
    });
  } catch (err) {
    await shutdown();
    throw err;
  }
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write('stopping: logging everyone off (Ctrl-C again to quit at once)\n');
    shutdown().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`simulate: ${(err as Error).message}\n`);
      process.exit(1);
    });
  });
  process.on('SIGTERM', () => process.emit('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`simulate: ${(err as Error).message}\n`);
  process.exit(1);
});
