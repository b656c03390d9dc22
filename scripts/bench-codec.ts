/**
 * Codec benchmark: the per-request work of a PAP login on the hot path, done by our codec
 * (aaa/codec) and by the `radius` package, on the same Access-Request.
 *
 *   ours:   decodePacket + verify Message-Authenticator + reveal User-Password
 *           + encode and sign an Access-Accept (Message-Authenticator first)
 *   radius: radius.decode (verifies the Message-Authenticator, reveals User-Password)
 *           + radius.encode_response (Access-Accept, Message-Authenticator added because the request had one)
 *
 * A measuring tool, not a test: it warms up, runs each case for a fixed number of iterations and
 * prints a table. Usage: node --import tsx scripts/bench-codec.ts [iterations]
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { verifyRequestMessageAuthenticator } from '../aaa/codec/authenticators.js';
import { dictionary } from '../aaa/codec/dictionary.js';
import { Code, decodePacket, findAttribute } from '../aaa/codec/packet.js';
import { hideUserPassword, revealUserPassword } from '../aaa/codec/user-password.js';
import { PacketWriter } from '../aaa/codec/writer.js';

interface RadiusPackage {
  add_dictionary(file: string): void;
  decode(args: { packet: Buffer; secret: string }): { attributes: Record<string, unknown> };
  encode_response(args: {
    packet: { attributes: Record<string, unknown> };
    code: string;
    secret: string;
    attributes: unknown[];
  }): Buffer;
}

const ITERATIONS = Number(process.argv[2] ?? 100_000);
const WARMUP = Math.max(1_000, Math.floor(ITERATIONS / 10));
const SECRET = 'mikrotik-bench-secret';
const SECRET_BUF = Buffer.from(SECRET);

const require = createRequire(import.meta.url);
const radius = require('radius') as RadiusPackage;
radius.add_dictionary(fileURLToPath(new URL('../aaa/dictionaries/dictionary.mikrotik', import.meta.url)));

const dict = dictionary();
const A = {
  userName: dict.attr('User-Name'),
  nasIdentifier: dict.attr('NAS-Identifier'),
  nasIp: dict.attr('NAS-IP-Address'),
  nasPort: dict.attr('NAS-Port'),
  nasPortType: dict.attr('NAS-Port-Type'),
  nasPortId: dict.attr('NAS-Port-Id'),
  serviceType: dict.attr('Service-Type'),
  framedProtocol: dict.attr('Framed-Protocol'),
  calling: dict.attr('Calling-Station-Id'),
  called: dict.attr('Called-Station-Id'),
  sessionId: dict.attr('Acct-Session-Id'),
  rateLimit: dict.attr('Mikrotik-Rate-Limit'),
  addressList: dict.attr('Mikrotik-Address-List'),
  sessionTimeout: dict.attr('Session-Timeout'),
  interim: dict.attr('Acct-Interim-Interval'),
  framedPool: dict.attr('Framed-Pool'),
  klass: dict.attr('Class'),
};

// A PPPoE Access-Request as RouterOS sends it (ARCHITECTURE.md, "RADIUS and MikroTik facts"), with Message-Authenticator first.
const requestAuthenticator = Buffer.from('6a0f1e2d3c4b5a69788796a5b4c3d2e1', 'hex');
const request = new PacketWriter()
  .reset(Code.AccessRequest, 77, requestAuthenticator)
  .messageAuthenticator()
  .add(A.userName, 'pelanggan-0042')
  .addRaw(2, hideUserPassword('rahasia-banget-123', requestAuthenticator, SECRET_BUF))
  .add(A.serviceType, 'Framed-User')
  .add(A.framedProtocol, 'PPP')
  .add(A.nasIdentifier, 'rb-core-1')
  .add(A.nasIp, '10.10.0.1')
  .add(A.nasPort, 15728654)
  .add(A.nasPortType, 'Ethernet')
  .add(A.nasPortId, 'pppoe-in')
  .add(A.calling, '4C:5E:0C:12:34:56')
  .add(A.called, 'svc-home')
  .add(A.sessionId, '81a0000f')
  .toAccessRequest(SECRET_BUF);

const CLASS = Buffer.from('sub-42');
const writer = new PacketWriter();
let sink = 0;
/** Iterations whose work did not check out (would make the numbers meaningless): reported, not thrown. */
const failures = { ours: 0, theirs: 0 };

function ours(): void {
  const r = decodePacket(request);
  if (!r.ok) {
    failures.ours++;
    return;
  }
  const p = r.packet;
  const password = revealUserPassword(findAttribute(p, 2)!.value, p.authenticator, SECRET_BUF);
  if (!verifyRequestMessageAuthenticator(p, SECRET_BUF) || !password) {
    failures.ours++;
    return;
  }
  const reply = writer
    .reset(Code.AccessAccept, p.identifier)
    .messageAuthenticator()
    .add(A.rateLimit, '2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M')
    .add(A.framedPool, 'pool-home')
    .add(A.sessionTimeout, 86400)
    .add(A.interim, 300)
    .add(A.klass, CLASS)
    .add(A.addressList, 'aktif')
    .toResponse(p.authenticator, SECRET_BUF);
  sink += reply.length + password.length;
}

function theirs(): void {
  const decoded = radius.decode({ packet: request, secret: SECRET });
  const password = decoded.attributes['User-Password'];
  if (typeof password !== 'string') {
    failures.theirs++;
    return;
  }
  const reply = radius.encode_response({
    packet: decoded,
    code: 'Access-Accept',
    secret: SECRET,
    attributes: [
      ['Vendor-Specific', 'Mikrotik', [['Mikrotik-Rate-Limit', '2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M']]],
      ['Framed-Pool', 'pool-home'],
      ['Session-Timeout', 86400],
      ['Acct-Interim-Interval', 300],
      ['Class', CLASS],
      ['Vendor-Specific', 'Mikrotik', [['Mikrotik-Address-List', 'aktif']]],
    ],
  });
  sink += reply.length + password.length;
}

interface Result {
  name: string;
  iterations: number;
  ms: number;
}

function loop(fn: () => void, n: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const cases: Array<[string, () => void]> = [
  ['aaa/codec', ours],
  ['radius package', theirs],
];
// Warm both up before measuring either, so the measured loops run on optimised code.
for (const [, fn] of cases) loop(fn, WARMUP);
const results: Result[] = cases.map(([name, fn]) => ({ name, iterations: ITERATIONS, ms: loop(fn, ITERATIONS) }));

const rows = results.map((r) => [
  r.name,
  r.iterations.toLocaleString('en-US'),
  r.ms.toFixed(1),
  Math.round((r.iterations / r.ms) * 1000).toLocaleString('en-US'),
  ((r.ms * 1000) / r.iterations).toFixed(2),
]);
const header = ['codec', 'iterations', 'total ms', 'ops/s', 'µs/op'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');

console.log(`Access-Request ${request.length} octets → decode + verify Message-Authenticator + reveal User-Password + Access-Accept encode/sign`);
console.log(`node ${process.version}, warm-up ${WARMUP.toLocaleString('en-US')} iterations per codec\n`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
const [a, b] = results;
console.log(`\naaa/codec: ${(b!.ms / a!.ms).toFixed(1)}× the radius package's throughput (checksum ${sink % 997})`);
if (failures.ours || failures.theirs) {
  console.log(`WARNING: iterations whose work failed: aaa/codec ${failures.ours}, radius package ${failures.theirs}`);
}
