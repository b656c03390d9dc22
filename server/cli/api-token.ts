/**
 * `npm run api-token -- <command>`: REST API tokens from the command line (the console's
 * /admin/api-tokens does the same; lib/api-tokens/).
 *
 *   npm run api-token -- create --staff USERNAME --name NAME   prints the token once
 *   npm run api-token -- list [--staff USERNAME]                id, prefix, name, staff, role, last use, state
 *   npm run api-token -- revoke ID
 *
 * The token acts as the staff member, with their role (lib/permissions.ts). Only its SHA-256 is
 * stored: `create` prints it once, to stdout alone (so `TOKEN=$(npm run -s api-token -- create …)`
 * works), and it cannot be shown again. Creating and revoking are audited as `cli <user>`.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createApiToken } from '../../lib/api-tokens/create-api-token.js';
import { listApiTokens } from '../../lib/api-tokens/list-api-tokens.js';
import { revokeApiToken } from '../../lib/api-tokens/revoke-api-token.js';
import { systemClock } from '../../lib/clock.js';
import { withCliDatabase } from './cli-database.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { staff: { type: 'string' }, name: { type: 'string' } } });

function fail(message: string): never {
  process.stderr.write(`api-token: ${message}\n`);
  process.exit(2);
}

const COMMANDS = ['create', 'list', 'revoke'];
const command = positionals[0] ?? '';
if (!COMMANDS.includes(command)) fail('usage: npm run api-token -- create --staff USERNAME --name NAME | list [--staff USERNAME] | revoke ID');
if (command === 'create' && (!values.staff || !values.name)) fail('create needs --staff USERNAME and --name NAME');
if (command === 'revoke' && !/^\d{1,15}$/.test(positionals[1] ?? '')) fail('revoke needs the token id (see list)');
const actor = { staffUserId: null, username: `cli ${userInfo().username}`, ip: null };

const code = await withCliDatabase(async ({ db }) => {
  const staff = values.staff ? await db('staff_users').where({ username: values.staff }).first('id') : null;
  if (values.staff && !staff) {
    process.stderr.write(`api-token: no staff member "${values.staff}"\n`);
    return 1;
  }
  if (command === 'create') {
    const made = await createApiToken(db, { staffUserId: Number(staff.id), name: values.name!, actor });
    if (!made.ok) {
      process.stderr.write(`api-token: ${made.code === 'staff_inactive' ? 'that staff member is deactivated' : made.code === 'name_invalid' ? '--name must be 1-100 characters' : 'no such staff member'}\n`);
      return 1;
    }
    process.stderr.write(`token #${made.id} for ${values.staff}; shown once, copy it now:\n`);
    process.stdout.write(`${made.token}\n`);
    return 0;
  }
  if (command === 'list') {
    const rows = await listApiTokens(db, staff ? { staffUserId: Number(staff.id) } : {});
    for (const r of rows) {
      const last = r.lastUsedAt ? `last used ${r.lastUsedAt.toISOString()}${r.lastUsedIp ? ` from ${r.lastUsedIp}` : ''}` : 'never used';
      process.stdout.write(`${r.id}\t${r.prefix}…\t${r.name}\t${r.staffUsername} (${r.staffRole})\t${last}\t${r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active'}\n`);
    }
    return 0;
  }
  const outcome = await revokeApiToken({ db, clock: systemClock }, { tokenId: Number(positionals[1]), actor });
  if (!outcome.ok) {
    process.stderr.write(`api-token: ${outcome.code === 'not_found' ? 'no such token' : 'already revoked'}\n`);
    return 1;
  }
  process.stdout.write(`token #${positionals[1]} revoked\n`);
  return 0;
});
process.exit(code);
