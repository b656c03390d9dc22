/**
 * `npm run demo -- <status|remove>`: the first-start demo data (server/demo/demo-data.ts) in a database
 * that went to production.
 *
 *   npm run demo -- status    how many demo rows there are, and what would keep them from removal
 *   npm run demo -- remove    removes exactly the demo rows and their dependent rows (admin/settings/remove-demo-data.ts)
 *
 * `remove` exits 0 when the rows were removed or there were none, 1 when real data hangs on a
 * demo row (the blockers are printed: nothing was removed). Audited as `cli`.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { withCliDatabase } from './cli-database.js';
import { countDemoRows, demoBlockers, removeDemoData } from '../../admin/settings/remove-demo-data.js';

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
const command = positionals[0];
if (command !== 'status' && command !== 'remove') {
  process.stderr.write('demo: usage: npm run demo -- status|remove (see server/cli/demo.ts)\n');
  process.exit(2);
}

const code = await withCliDatabase(async ({ db }) => {
  let exitCode = 0;
  const counts = await countDemoRows(db);
  const summary = `${counts.nas} NAS, ${counts.plans} plans, ${counts.customers} customers, ${counts.subscriptions} subscriptions`;
  if (command === 'status') {
    const blockers = await demoBlockers(db);
    process.stdout.write(`Demo rows: ${summary}\n${blockers.map((b) => `Blocked by ${b}\n`).join('')}`);
  } else {
    const outcome = await removeDemoData(db, { staffUserId: null, username: `cli ${userInfo().username}`, ip: null });
    if (outcome.ok) {
      const r = outcome.removed;
      process.stdout.write(`Removed the demo data: ${summary}; with ${r.sessions} sessions, ${r.invoices} invoices, ${r.ledgerEntries} ledger entries.\n`);
    } else if (outcome.code === 'nothing') {
      process.stdout.write('No demo data: nothing to remove.\n');
    } else {
      process.stderr.write(`Not removed: real data is attached to demo rows. Move or delete it first:\n${outcome.blockers.map((b) => `  - ${b}\n`).join('')}`);
      exitCode = 1;
    }
  }
  return exitCode;
});
process.exit(code);
