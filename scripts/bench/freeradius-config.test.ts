/**
 * The FreeRADIUS side of `npm run bench:radius -- --compare-freeradius`: the generated users file
 * and site, and (with Debian's `freeradius` installed, as .ci/run does) the generated directory
 * run by the real FreeRADIUS 3.2: it accepts a subscriber's PAP login with Message-Authenticator,
 * replies with the load plan's Mikrotik-Rate-Limit, and drops a request without Message-Authenticator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { decodePacket, findAttribute } from '../../aaa/codec/packet.js';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { FREERADIUS_BIN, radiusdConf, siteConfig, usersFile, writeFreeradiusConfig } from './freeradius-config.js';
import { accessRequest } from './packets.js';
import { freeUdpPorts, startFreeradius, waitReady } from './servers.js';

const REPLY = { 'Mikrotik-Rate-Limit': '5M/10M', 'Framed-Pool': 'pool-load' };

test('the users file gives each subscriber its cleartext password as a check item and the reply items', () => {
  assert.equal(usersFile(2, REPLY),
    'user1\tCleartext-Password := "pass1"\n\tMikrotik-Rate-Limit = "5M/10M",\n\tFramed-Pool = "pool-load"\n' +
    'user2\tCleartext-Password := "pass2"\n\tMikrotik-Rate-Limit = "5M/10M",\n\tFramed-Pool = "pool-load"\n');
});

test('radiusd.conf keeps the shipped settings but moves paths into the directory and stays the invoking user', () => {
  const out = radiusdConf('raddbdir = /etc/freeradius/3.0\nlogdir = /var/log/freeradius\nrun_dir = ${localstatedir}/run/${name}\nsecurity {\n\tuser = freerad\n\tgroup = freerad\n}\nmax_requests = 16384\n', '/tmp/x');
  assert.match(out, /^raddbdir = \/tmp\/x$/m);
  assert.match(out, /^run_dir = \/tmp\/x\/run$/m);
  assert.doesNotMatch(out, /^\s*(user|group) = freerad/m);
  assert.match(out, /^max_requests = 16384$/m);
});

test('the sql site stores accounting and post-auth with rlm_sql; the files site authorizes from files', () => {
  const base = { authPort: 1, acctPort: 2, secret: 's', subscribers: 1, reply: REPLY };
  assert.match(siteConfig({ ...base, mode: 'sql' }), /accounting \{\n\tsql\n\}/);
  assert.match(siteConfig({ ...base, mode: 'files' }), /authorize \{\n\tfiles\n\tpap\n\}/);
});

test('FreeRADIUS runs the generated files setup: Accept with the reply items, nothing without Message-Authenticator', {
  skip: !fs.existsSync(FREERADIUS_BIN) && `${FREERADIUS_BIN} not installed (apt-get install freeradius)`, timeout: 60_000,
}, async () => {
  const secret = Buffer.from('bench-test-secret');
  const [authPort, acctPort] = await freeUdpPorts(2);
  const dir = writeFreeradiusConfig({ mode: 'files', authPort: authPort!, acctPort: acctPort!, secret: secret.toString(), subscribers: 20, reply: REPLY });
  const server = startFreeradius('FreeRADIUS files', dir, authPort!, acctPort!);
  try {
    await waitReady(server, 20, secret, 30_000);
    const ask = (pkt: Buffer): Promise<Buffer | null> => new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      const t = setTimeout(() => { s.close(); resolve(null); }, 700);
      s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m); });
      s.send(pkt, authPort!, '127.0.0.1');
    });
    const reply = await ask(accessRequest(3, 20, secret, 7));
    assert.ok(reply, 'answered');
    const decoded = decodePacket(reply);
    assert.ok(decoded.ok);
    assert.equal(decoded.packet.code, 2, 'Access-Accept');
    const rate = dictionary().attr('Mikrotik-Rate-Limit');
    assert.equal(findAttribute(decoded.packet, rate.code, rate.vendorId)?.value.toString(), '5M/10M');

    const withoutMa = Buffer.from(accessRequest(4, 20, secret, 7));
    // Drop the Message-Authenticator (the first attribute, 18 octets) and fix the Length.
    const stripped = Buffer.concat([withoutMa.subarray(0, 20), withoutMa.subarray(38)]);
    stripped.writeUInt16BE(stripped.length, 2);
    assert.equal(await ask(stripped), null, 'require_message_authenticator = yes: silently dropped');
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
