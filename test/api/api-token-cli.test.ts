/**
 * `npm run api-token`: create prints the token once on stdout (and nothing else there), the token
 * works against the API's authentication, list shows it by prefix (never the token), revoke
 * refuses it from then on; unknown staff and a missing --name are refused. Audited as `cli <user>`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { authenticateApiToken } from '../../lib/api-tokens/authenticate-api-token.js';
import { settableClock } from '../../lib/clock.js';
import { createTestContainer, type TestContainer } from '../helpers/container.js';
import { testRedisUrl } from '../helpers/database.js';
import { createStaff, TEST_SECRET_KEY } from '../helpers/factories.js';

let c: TestContainer;
const clock = settableClock('2026-12-08T02:00:00Z');
before(async () => {
  c = await createTestContainer({ clock });
});
after(async () => {
  await c?.dispose();
});

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, DATABASE_URL: c.testDb.url, REDIS_URL: testRedisUrl(), APP_SECRET_KEY: TEST_SECRET_KEY.toString('hex'), LOG_LEVEL: 'warn' };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/api-token.ts', ...args], { cwd: ROOT, env }, (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }));
  });
}

test('create prints the token once, list shows its prefix only, revoke stops it', async () => {
  const staff = await createStaff(c.db, { role: 'technician', username: 'teknisi-cli' });
  assert.equal((await cli(['create', '--staff', 'teknisi-cli'])).code, 2, '--name is required');
  const unknown = await cli(['create', '--staff', 'nobody', '--name', 'x']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no staff member "nobody"/);

  const made = await cli(['create', '--staff', 'teknisi-cli', '--name', 'NOC script']);
  assert.equal(made.code, 0, made.err);
  const token = made.out.trim();
  assert.match(token, /^isp_[A-Za-z0-9_-]{43}$/, 'stdout is the token alone');
  let list = await cli(['list', '--staff', 'teknisi-cli']);
  assert.match(list.out, /NOC script\tteknisi-cli \(technician\)\tnever used\tactive/);
  const who = await authenticateApiToken({ db: c.db, clock }, token, null);
  assert.equal(who?.staffUserId, staff.id);
  assert.equal(who?.role, 'technician');

  list = await cli(['list']);
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /NOC script\tteknisi-cli \(technician\)\tlast used 2026-12-08T02:00:00.000Z\tactive/, 'the use just made');
  assert.ok(list.out.includes(token.slice(0, 10)) && !list.out.includes(token), 'the prefix, never the token');

  const id = list.out.split('\t')[0]!;
  assert.equal((await cli(['revoke', id])).code, 0);
  assert.equal(await authenticateApiToken({ db: c.db, clock }, token, null), null);
  assert.equal((await cli(['revoke', id])).code, 1, 'already revoked');
  const audit = await c.db('audit_log').where({ object_type: 'api_token', object_id: id }).orderBy('id').select('action', 'actor');
  assert.deepEqual(audit.map((a) => a.action), ['api_token_created', 'api_token_revoked']);
  assert.equal(audit[0].actor, `cli ${userInfo().username}`);
});
