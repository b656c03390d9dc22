/**
 * `npm start`: the roles in ROLE (default all three); the radius role in worker processes of its
 * own (server/radius-cluster.ts) unless it runs alone in one process. Without DATABASE_URL
 * it starts embedded PostgreSQL under DATA_DIR, without REDIS_URL a local redis-server; it runs
 * the migrations, loads demo data into an empty database (unless DEMO_DATA=false), starts the
 * roles and prints what to try. SIGTERM / SIGINT stop it gracefully.
 */
import { loadConfig, type Config } from '../lib/config.js';
import { createContainer, type Container } from '../lib/container.js';
import { embeddedRole } from '../lib/embedded/health.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { resolveKey } from '../lib/secret-box.js';
import { storeTimeZone } from '../lib/time-zone.js';
import { ensureFirstAdmin } from '../admin/auth/first-admin.js';
import { consoleUrl } from './console-url.js';
import { demoHints, isEmptyDatabase, loadDemoData } from './demo/demo-data.js';
import { yieldHelperThreadsToRadius } from './process-priority.js';
import { isRadiusWorker, runRadiusWorker } from './radius-cluster.js';
import { resolveDatabase, resolveRedis } from './services.js';
import { planRoles, startRoles } from './start-roles.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const log = createLogger(config.LOG_LEVEL, {}, config.LOG_FORMAT);
  if (isRadiusWorker()) {
    await runRadiusWorker(config, log.child({ pid: process.pid }), resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key).catch((err: unknown) => {
      log.fatal({ err: (err as Error).message }, 'radius worker failed to start');
      process.exit(1);
    });
    return;
  }
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log.error({ err }, 'error while stopping'));
  };

  try {
    const database = await resolveDatabase(config, log);
    cleanups.push(() => database.stop());
    const redis = await resolveRedis(config, log);
    cleanups.push(() => redis.stop());
    const { key, created } = resolveKey(config.APP_SECRET_KEY, config.DATA_DIR);
    if (created) log.warn({ file: `${config.DATA_DIR}/secret.key` }, 'generated an encryption key for secrets at rest; back it up, or set APP_SECRET_KEY');

    const plan = planRoles(config);
    // In cluster mode the process metrics come from the radius workers (aggregated), not from here.
    const c = createContainer({ config, log, databaseUrl: database.url, redisUrl: redis.url, secretKey: key, processMetrics: plan.radius !== 'cluster' });
    cleanups.push(() => c.close());
    const applied = await migrateLatest(c.db);
    if (applied.length) log.info({ migrations: applied.length }, 'database migrated');
    await storeTimeZone(c.db, config.ISP_TIME_ZONE);
    // The demo NAS secret and logins are printed once, on the start that loaded them.
    let demoLoaded = false;
    if (config.DEMO_DATA && (await isEmptyDatabase(c.db))) {
      await loadDemoData(c.db, c.secrets, c.clock.now());
      demoLoaded = true;
      log.info('loaded demo data (set DEMO_DATA=false to start empty)');
    }

    if (plan.web) await ensureFirstAdmin(c.db, config.PASSWORD_HASH_ROUNDS, log);

    const embedded = embeddedRole({ postgres: database, redis });
    const { roles, http } = await startRoles(c, {
      plan,
      before: embedded ? [embedded] : [],
      clusterEnv: { DATABASE_URL: database.url, REDIS_URL: redis.url, APP_SECRET_KEY: key.toString('hex'), ROLE: 'radius', DEMO_DATA: 'false' },
    });
    // bcrypt and the other thread-pool work of web and worker yield the CPU to the radius processes.
    if (plan.radius === 'cluster' && plan.billingEngine) await yieldHelperThreadsToRadius(log);
    const port = await http.listen(config.HOST, config.PORT);
    cleanups.push(() => http.close());
    for (const r of roles) cleanups.push(() => r.stop());
    if (plan.web) {
      const where = consoleUrl(config, port);
      log.info({ roles: config.ROLE, http: `http://${config.HOST}:${port}`, console: where.url }, `started; staff console at ${where.url}`);
      if (where.hint) log.warn(where.hint);
    } else log.info({ roles: config.ROLE, http: `http://${config.HOST}:${port}` }, 'started');
    if (plan.radius && demoLoaded) await printHints(c);
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'start-up failed');
    await stopAll();
    process.exit(1);
  }

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      void stopAll().then(() => process.exit(0));
    });
  }
}

async function printHints(c: Container): Promise<void> {
  const hints = await demoHints(c.db, c.secrets);
  if (!hints) return;
  const port = c.config.RADIUS_AUTH_PORT;
  const active = hints.subscriptions.find((s) => s.username === 'demo-active');
  const lines = [
    '',
    'Demo data is loaded. Try it with FreeRADIUS\'s radclient (Debian: apt-get install freeradius-utils):',
    '',
    active
      ? `  echo 'User-Name = "${active.username}", User-Password = "${active.password}", Message-Authenticator = 0x00' | radclient -x 127.0.0.1:${port} auth '${hints.secret}'`
      : '',
    '',
    `Demo NAS 127.0.0.1, shared secret: ${hints.secret}`,
    'Demo logins (username / password / status):',
    ...hints.subscriptions.map((s) => `  ${s.username.padEnd(16)} ${s.password.padEnd(10)} ${s.status}`),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
