/**
 * `npm run nas -- <add|list|remove> ...`: registers the routers (NAS) allowed to ask this server,
 * until the admin console does it.
 *
 *   npm run nas -- add --name "Router Pusat" --ip 10.10.0.1 --server 10.10.0.2 [--secret S] [--coa-port 3799]
 *                      [--routeros-6] [--routeros-user api --routeros-password P]
 *   npm run nas -- list
 *   npm run nas -- remove --ip 10.10.0.1
 *
 * `add` prints the shared secret (generated when not given) and the RouterOS script to paste.
 * `--routeros-6`: the router runs RouterOS before 7.15 and cannot send Message-Authenticator.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { routerOsScript } from '../../aaa/nas/routeros-script.js';
import { parseAaaSettings } from '../../aaa/policy/aaa-settings.js';
import { loadConfig } from '../config.js';
import { createDb } from '../db.js';
import { createLogger } from '../logger.js';
import { migrateLatest } from '../migrate.js';
import { randomCredential } from '../credentials.js';
import { createSecretBox, resolveKey } from '../secret-box.js';
import { resolveDatabase } from '../services.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    ip: { type: 'string' },
    server: { type: 'string' },
    secret: { type: 'string' },
    'coa-port': { type: 'string', default: '3799' },
    'routeros-6': { type: 'boolean', default: false },
    'routeros-user': { type: 'string' },
    'routeros-password': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`nas: ${message}\n`);
  process.exit(2);
}

const command = positionals[0];
if (!['add', 'list', 'remove'].includes(command ?? '')) fail('usage: npm run nas -- add|list|remove [options] (see lib/cli/nas.ts)');
if (command !== 'list' && !net.isIPv4(values.ip ?? '')) fail('--ip must be the router\'s IPv4 address, as this server sees it');
const coaPort = Number(values['coa-port']);
if (!Number.isInteger(coaPort) || coaPort < 1 || coaPort > 65535) fail('--coa-port must be 1-65535');
if (values.secret !== undefined && values.secret.length < 8) fail('--secret must be at least 8 characters');

const config = loadConfig();
const log = createLogger('warn', {}, config.LOG_FORMAT);
const database = await resolveDatabase(config, log);
const db = createDb({ url: database.url });
try {
  await migrateLatest(db);
  const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
  if (command === 'list') {
    const rows = await db('nas').orderBy('id').select('name', db.raw('host(ip_address) AS ip'), 'coa_port', 'require_message_authenticator', 'is_active');
    for (const r of rows) {
      process.stdout.write(`${String(r.ip).padEnd(16)} ${String(r.name).padEnd(30)} coa ${r.coa_port}  message-authenticator ${r.require_message_authenticator ? 'required' : 'optional'}${r.is_active ? '' : '  (inactive)'}\n`);
    }
  } else if (command === 'remove') {
    const n = await db('nas').where({ ip_address: values.ip }).delete();
    process.stdout.write(n ? `removed NAS ${values.ip}\n` : `no NAS ${values.ip}\n`);
  } else {
    if (!values.name) fail('--name is required');
    if (!values.server) fail('--server is required: this server\'s address as the router reaches it');
    const secret = values.secret ?? randomCredential(16);
    const row = {
      name: values.name,
      ip_address: values.ip,
      secret_enc: secrets.seal(secret),
      coa_port: coaPort,
      require_message_authenticator: !values['routeros-6'],
      routeros_username: values['routeros-user'] ?? null,
      routeros_password_enc: values['routeros-password'] ? secrets.seal(values['routeros-password']) : null,
    };
    await db('nas').insert(row).onConflict('ip_address').merge();
    const settings = parseAaaSettings((await db('settings').where({ key: 'aaa' }).first('value'))?.value).settings;
    process.stdout.write(`NAS ${values.ip} saved. Shared secret: ${secret}\n\nPaste into the router (terminal or Winbox New Terminal):\n\n`);
    process.stdout.write(
      routerOsScript({
        radiusServer: values.server,
        secret,
        authPort: config.RADIUS_AUTH_PORT,
        acctPort: config.RADIUS_ACCT_PORT,
        coaPort,
        interimInterval: config.RADIUS_INTERIM_INTERVAL,
        addressList: settings.walledGarden.addressList,
        portal: { address: values.server, port: config.PORT },
        ...(config.PUBLIC_URL ? { portalUrl: `${config.PUBLIC_URL.replace(/\/+$/, '')}/portal/captive` } : {}),
        routerOs715: !values['routeros-6'],
      }) + '\n',
    );
  }
} finally {
  await db.destroy();
  await database.stop();
}
