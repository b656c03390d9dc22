/**
 * One writer for the `nas` table (aaa/nas/save-nas.ts): `npm run nas` and the first-start demo
 * data register routers through the console's validation and audit, not beside them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { settableClock } from '../../lib/clock.js';
import { loadDemoData } from '../../server/demo/demo-data.js';
import { createTestContainer, type TestContainer } from '../helpers/container.js';
import { testRedisUrl } from '../helpers/database.js';
import { TEST_SECRET_KEY } from '../helpers/factories.js';

let c: TestContainer;
before(async () => {
  c = await createTestContainer({ clock: settableClock('2026-12-07T02:00:00Z') });
});
after(async () => {
  await c?.dispose();
});

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
function nasCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, DATABASE_URL: c.testDb.url, REDIS_URL: testRedisUrl(), APP_SECRET_KEY: TEST_SECRET_KEY.toString('hex'), LOG_LEVEL: 'warn' };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/nas.ts', ...args], { cwd: ROOT, env }, (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }));
  });
}
const auditOf = (ip: string) => c.db('audit_log').where({ object_type: 'nas' }).whereIn('object_id', c.db('nas').select(c.db.raw('id::text')).whereRaw('ip_address = ?::inet', [ip])).orderBy('id');

test('`npm run nas`: the console\'s secret rule, add / re-add / remove audited as the CLI user, a re-add keeps what it does not set', async () => {
  const add = ['add', '--name', 'Router Pusat', '--ip', '10.95.0.1', '--server', '10.0.0.2', '--lang', 'en'];
  const spaced = await nasCli([...add, '--secret', 'has a space']);
  assert.equal(spaced.code, 2, spaced.err);
  assert.match(spaced.err, /--secret: 8 to 64 visible characters without spaces/);
  assert.equal(await c.db('nas').whereRaw('ip_address = ?::inet', ['10.95.0.1']).first(), undefined, 'nothing saved');

  const noUser = await nasCli([...add, '--routeros-password', 'rahasia-api']);
  assert.equal(noUser.code, 2, noUser.err);
  assert.match(noUser.err, /--routeros-user: An API password needs an API user/);

  const first = await nasCli(add);
  assert.equal(first.code, 0, first.err);
  const cliUser = `cli ${userInfo().username}`;
  const created = await auditOf('10.95.0.1');
  assert.deepEqual(created.map((a) => [a.action, a.actor]), [['nas_created', cliUser]]);
  await c.db('nas').whereRaw('ip_address = ?::inet', ['10.95.0.1']).update({ description: 'Tower utara' });

  const again = await nasCli([...add.slice(0, 2), 'Router Pusat Baru', ...add.slice(3), '--routeros', '7']);
  assert.equal(again.code, 0, again.err);
  const row = await c.db('nas').whereRaw('ip_address = ?::inet', ['10.95.0.1']).first();
  assert.equal(row.name, 'Router Pusat Baru');
  assert.equal(row.require_message_authenticator, false);
  assert.equal(row.description, 'Tower utara', 'what the command does not set is kept');
  assert.deepEqual((await auditOf('10.95.0.1')).map((a) => a.action), ['nas_created', 'nas_updated']);

  const removed = await nasCli(['remove', '--ip', '10.95.0.1']);
  assert.equal(removed.code, 0, removed.err);
  assert.match(removed.out, /removed NAS 10\.95\.0\.1/);
  const gone = await c.db('audit_log').where({ action: 'nas_removed', object_id: String(row.id) });
  assert.equal(gone.length, 1);
  assert.equal(gone[0].actor, cliUser);
  assert.equal(gone[0].before.name, 'Router Pusat Baru');
});

test('the demo NAS is registered through the writer: audited, marked demo', async () => {
  await loadDemoData(c.db, c.secrets, c.clock.now());
  const nas = await c.db('nas').where({ demo: true }).first();
  assert.equal(nas.name, 'Demo NAS (localhost)');
  const audit = await c.db('audit_log').where({ action: 'nas_created', object_id: String(nas.id) });
  assert.deepEqual(audit.map((a) => a.actor), ['demo data']);
});
