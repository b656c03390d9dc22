/**
 * `npm run nas -- <command> ...`: registers the routers (NAS) allowed to ask this server and
 * prints their RouterOS scripts (admin/nas/routeros/).
 *
 *   npm run nas -- add --name "Router Pusat" --ip 10.10.0.1 --server 10.10.0.2 [--secret S] [--coa-port 3799]
 *                      [--routeros 7.15|7|6] [--routeros-user api --routeros-password P]
 *                      [--pppoe-interface ether2] [--hotspot-interface ether3] [--hotspot-address 10.5.50.1/24]
 *                      [--pool NAME=RANGES ...] [--tunnel VPS_ADDRESS] [--lang id|en]
 *   npm run nas -- list
 *   npm run nas -- remove --ip 10.10.0.1
 *   npm run nas -- login-html --server 10.10.0.2 > login.html     the hotspot's login.html
 *   npm run nas -- cutover --ip 10.10.0.1 [--canary USERNAME] [--lang id|en]
 *   npm run nas -- rollback --ip 10.10.0.1 [--lang id|en]
 *
 * `add` prints the shared secret (generated when not given) and the setup script to paste.
 * `--routeros`: 7.15 (default) requires Message-Authenticator; 7 (before 7.15) and 6 cannot send
 * it (`--routeros-6` is `--routeros 6`). `--pool NAME=RANGES` replaces a pool's default range
 * (admin/nas/routeros/address-plan.ts). `--tunnel`: the router is behind NAT and dials a WireGuard tunnel
 * to this server at VPS_ADDRESS (RouterOS 7); the VPS's wg-quick file is printed too, and the
 * router must be registered with its tunnel address (`--ip 10.255.255.2`).
 * `cutover` / `rollback`: admin/nas/routeros/cutover-script.ts.
 * `add` and `remove` go through the one NAS writer (aaa/nas/save-nas.ts), as the console does:
 * the same validation (its messages, printed for the flag they concern) and an audit row by
 * `cli <user>`. `add` on an address already registered re-registers that router: name, secret,
 * CoA port, Message-Authenticator and RouterOS API login are replaced, the rest is kept.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { registerNas, removeNas } from '../../aaa/nas/save-nas.js';
import { t, toLocale } from '../../lib/i18n.js';
import { DEFAULT_NETWORK } from '../../admin/nas/routeros/address-plan.js';
import { cutover, loginHtml, rollback, setupScript } from '../../admin/nas/routeros/router-scripts.js';
import { TUNNEL_ROUTER_ADDRESS } from '../../admin/nas/routeros/wireguard.js';
import { withCliDatabase } from './cli-database.js';
import { randomCredential } from '../../lib/credentials.js';
import { createSecretBox, resolveKey } from '../../lib/secret-box.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    ip: { type: 'string' },
    server: { type: 'string' },
    secret: { type: 'string' },
    'coa-port': { type: 'string', default: '3799' },
    routeros: { type: 'string', default: '7.15' },
    'routeros-6': { type: 'boolean', default: false },
    'routeros-user': { type: 'string' },
    'routeros-password': { type: 'string' },
    'pppoe-interface': { type: 'string', default: DEFAULT_NETWORK.pppoeInterface },
    'hotspot-interface': { type: 'string', default: DEFAULT_NETWORK.hotspotInterface },
    'hotspot-address': { type: 'string', default: DEFAULT_NETWORK.hotspotAddress },
    pool: { type: 'string', multiple: true, default: [] },
    tunnel: { type: 'string' },
    canary: { type: 'string' },
    lang: { type: 'string', default: 'id' },
  },
});

function fail(message: string): never {
  process.stderr.write(`nas: ${message}\n`);
  process.exit(2);
}

const COMMANDS = ['add', 'list', 'remove', 'login-html', 'cutover', 'rollback'];
const command = positionals[0] ?? '';
if (!COMMANDS.includes(command)) fail(`usage: npm run nas -- ${COMMANDS.join('|')} [options] (see server/cli/nas.ts)`);
if (['add', 'remove', 'cutover', 'rollback'].includes(command) && !net.isIPv4(values.ip ?? '')) fail('--ip must be the router\'s IPv4 address, as this server sees it');
const coaPort = Number(values['coa-port']);
if (!Number.isInteger(coaPort) || coaPort < 1 || coaPort > 65535) fail('--coa-port must be 1-65535');
if (values.secret !== undefined && values.secret.length < 8) fail('--secret must be at least 8 characters');
const version = values['routeros-6'] ? '6' : values.routeros;
if (!['7.15', '7', '6'].includes(version ?? '')) fail('--routeros must be 7.15, 7 or 6');
const iface = /^[A-Za-z0-9_.-]{1,64}$/;
if (!iface.test(values['pppoe-interface'] ?? '') || !iface.test(values['hotspot-interface'] ?? '')) fail('--pppoe-interface and --hotspot-interface: an interface name');
if (values.tunnel !== undefined && !/^[A-Za-z0-9.:-]{1,253}$/.test(values.tunnel)) fail('--tunnel: the VPS\'s public address or host name');
if (values.tunnel && version === '6') fail('--tunnel needs RouterOS 7 (RouterOS 6 has no WireGuard)');
if (values.tunnel && values.ip !== TUNNEL_ROUTER_ADDRESS) fail(`with --tunnel this server sees the router as ${TUNNEL_ROUTER_ADDRESS}: register it with --ip ${TUNNEL_ROUTER_ADDRESS}`);
const locale = toLocale(values.lang);

/** The flag that sets each field of the NAS writer's input, for its validation messages. */
const FLAGS: Record<string, string> = {
  name: '--name', ip_address: '--ip', secret: '--secret', coa_port: '--coa-port', routeros_username: '--routeros-user', routeros_password: '--routeros-password',
};
const actor = { staffUserId: null, username: `cli ${userInfo().username}`, ip: null };

const code = await withCliDatabase(async ({ config, db }) => {
  const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
  const registered = async (): Promise<void> => {
    if (!(await db('nas').whereRaw('ip_address = ?::inet', [values.ip!]).first('id'))) fail(`no NAS ${values.ip} is registered (npm run nas -- list)`);
  };
  if (command === 'list') {
    const rows = await db('nas').orderBy('id').select('name', db.raw('host(ip_address) AS ip'), 'coa_port', 'require_message_authenticator', 'is_active');
    for (const r of rows) {
      process.stdout.write(`${String(r.ip).padEnd(16)} ${String(r.name).padEnd(30)} coa ${r.coa_port}  message-authenticator ${r.require_message_authenticator ? 'required' : 'optional'}${r.is_active ? '' : '  (inactive)'}\n`);
    }
  } else if (command === 'remove') {
    const removed = await removeNas(db, actor, values.ip!);
    process.stdout.write(removed ? `removed NAS ${values.ip}\n` : `no NAS ${values.ip}\n`);
  } else if (command === 'login-html') {
    if (!config.PUBLIC_URL && !values.server) fail('--server is required when PUBLIC_URL is not set');
    process.stdout.write(loginHtml(config, values.server ?? '', locale));
  } else if (command === 'cutover') {
    await registered();
    const result = await cutover({ db, config }, locale, values.canary ?? null);
    if ('error' in result) fail(result.error === 'no_users' ? 'no PPPoE subscriber is known to this server: import them first (npm run import)' : `--canary ${values.canary}: not a PPPoE subscriber of this server`);
    process.stderr.write(`Paste into the router ${values.ip} after the setup script. ${result.canary} moves to RADIUS first; the other ${result.count - 1} secrets follow once it is online through RADIUS.\n\n`);
    process.stdout.write(`${result.script}\n`);
  } else if (command === 'rollback') {
    await registered();
    process.stdout.write(`${await rollback({ db, config }, locale)}\n`);
  } else {
    if (!values.name) fail('--name is required');
    if (!values.server) fail('--server is required: this server\'s address as the router reaches it');
    const secret = values.secret ?? randomCredential(16);
    const options = {
      locale,
      server: values.server,
      routerOs: version === '6' ? (6 as const) : (7 as const),
      messageAuth: version === '7.15',
      network: { ...DEFAULT_NETWORK, pppoeInterface: values['pppoe-interface']!, hotspotInterface: values['hotspot-interface']!, hotspotAddress: values['hotspot-address']! },
      poolLines: values.pool ?? [],
      tunnelEndpoint: values.tunnel ?? null,
    };
    // Checked before anything is saved: a bad --pool or --hotspot-address registers nothing.
    const preview = await setupScript({ db, config }, { secret, coaPort }, options);
    if ('error' in preview) fail(preview.error === 'pools' ? `--pool ${preview.detail}: NAME=RANGES, e.g. pool-home=172.16.1.2-172.16.1.254` : '--hotspot-address: a.b.c.d/nn, nn from 16 to 29');
    const saved = await registerNas(db, secrets, { actor, mayRouteApi: true }, {
      name: values.name,
      ip_address: values.ip!,
      secret,
      regenerate_secret: '',
      coa_port: String(coaPort),
      require_message_authenticator: version === '7.15' ? '1' : '',
      routeros_username: values['routeros-user'] ?? '',
      routeros_password: values['routeros-password'] ?? '',
      clear_routeros_password: values['routeros-password'] ? '' : '1',
    });
    if (!saved.ok) {
      if (saved.code !== 'invalid') fail(`NAS ${values.ip} changed while saving it: run the command again`);
      fail(Object.entries(saved.errors).map(([field, key]) => `${FLAGS[field] ?? field}: ${t(locale, key)}`).join('; '));
    }
    process.stdout.write(`NAS ${values.ip} saved. Shared secret: ${secret}\n\nPaste into the router (terminal or Winbox New Terminal):\n\n${preview.script}\n`);
    if (preview.wgQuick) process.stdout.write(`\n${preview.wgQuick}\n`);
  }
});
process.exit(code);
