/**
 * `npm run import -- <source> ...`: imports existing subscribers (billing/import/): plans,
 * customers and subscriptions with their passwords, from
 *
 *   npm run import -- mikrotik --nas 10.10.0.1 [--dry-run]           a registered NAS over the RouterOS API
 *   npm run import -- routeros-export --file export.rsc [--nas IP] [--dry-run]
 *   npm run import -- csv --file customers.csv [--nas IP] [--dry-run]
 *   npm run import -- csv --template > customers.csv                   the CSV template
 *   npm run import -- phpnuxbill --file phpnuxbill.sql [--nas IP] [--dry-run]   a mysqldump of phpnuxbill
 *   npm run import -- daloradius --file radius.sql [--nas IP] [--dry-run]       a mysqldump of daloRADIUS / FreeRADIUS SQL
 *
 * Options: `--anchor-day N` (1-28, default 1): the day of the month new subscriptions' billing
 * periods start; they are billed from their next period. `--nas` names the registered router the
 * subscribers connect through (required for `mikrotik`, which reads it; recorded in the audit).
 * `--dry-run` prints the preview (what would be created or updated, conflicts, refused rows with
 * the reason) and writes nothing; without it the same preview is printed and committed in one
 * transaction, audited as `cli <user>`. Exit 0 when done, 1 when the router could not be read,
 * 2 on a usage error. Passwords are never printed.
 */
import fs from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { collectEffects } from '../../billing/use-case/effects.js';
import { commitImport } from '../../billing/import/commit-import.js';
import { customersCsvTemplate } from '../../billing/import/customers-csv.js';
import { batchFromFile, type FileSource } from '../../billing/import/file-sources.js';
import { IMPORT_SOURCES, type ImportBatch } from '../../billing/import/import-model.js';
import { planImport, type ImportPreview } from '../../billing/import/plan-import.js';
import { readLiveRouterOs } from '../../billing/import/routeros-live.js';
import { withCliDatabase } from './cli-database.js';
import { createQueueFactory, QUEUES } from '../../lib/queue.js';
import { createRedis } from '../../lib/redis.js';
import { createSecretBox, resolveKey } from '../../lib/secret-box.js';
import { resolveRedis } from '../services.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: 'string' },
    nas: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'anchor-day': { type: 'string', default: '1' },
    template: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(2);
}

const SOURCES: readonly string[] = IMPORT_SOURCES;
const source = positionals[0] ?? '';
if (!SOURCES.includes(source)) fail('usage: npm run import -- <mikrotik|routeros-export|phpnuxbill|daloradius|csv> [--file FILE] [--nas IP] [--dry-run] (see server/cli/import.ts)');
if (source === 'csv' && values.template) {
  process.stdout.write(customersCsvTemplate());
  process.exit(0);
}
const anchorDay = Number(values['anchor-day']);
if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 28) fail('--anchor-day must be 1-28');
if (values.nas !== undefined && !net.isIP(values.nas)) fail('--nas must be the router\'s IP address as registered (npm run nas -- list)');
if (source === 'mikrotik' && !values.nas) fail('mikrotik needs --nas: the registered router to read');
if (source !== 'mikrotik' && !values.file) fail(`${source} needs --file`);
const text = values.file ? readFile(values.file) : '';

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The preview as text: one line per object that changes, conflict or refusal, then the totals. */
function formatPreview(p: ImportPreview, dryRun: boolean): string {
  const lines: string[] = [];
  const show = (kind: string, action: string, name: string, changed: string[]) =>
    lines.push(`${action.padEnd(9)} ${kind.padEnd(12)} ${name}${changed.length ? ` (${changed.join(', ')})` : ''}`);
  for (const x of p.plans) if (x.action !== 'unchanged') show('plan', x.action, x.row.name, x.changed);
  for (const x of p.customers) if (x.action !== 'unchanged') show('customer', x.action, x.row.name ?? x.row.key, x.changed);
  for (const x of p.subscriptions) if (x.action !== 'unchanged') show('subscription', x.action, `${x.row.username} → ${x.row.planName}${x.status === 'suspended' ? ' [suspended]' : ''}`, x.changed);
  for (const c of p.conflicts) lines.push(`conflict  ${c.kind.padEnd(12)} ${c.origin}: ${c.detail}`);
  for (const r of p.refused) lines.push(`refused   ${r.reason.padEnd(12)} ${r.origin}${r.detail ? `: ${r.detail}` : ''}`);
  const c = p.counts;
  lines.push(dryRun
    ? `Dry run, nothing written: ${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.conflicts} conflicts, ${c.refused} refused.`
    : `Committed: ${c.create} created, ${c.update} updated, ${c.unchanged} unchanged, ${c.conflicts} conflicts, ${c.refused} refused.`);
  return lines.join('\n') + '\n';
}

const code = await withCliDatabase(async ({ config, log, db }) => {
  let exitCode = 0;
  const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
  let batch: ImportBatch | null = null;
  if (values.nas && !(await db('nas').whereRaw('ip_address = ?::inet', [values.nas]).first('id'))) {
    process.stderr.write(`import: no NAS ${values.nas} is registered (npm run nas -- list)\n`);
    exitCode = 2;
  } else if (source === 'mikrotik') {
    const live = await readLiveRouterOs({ db, secrets }, values.nas!);
    if (live.ok) batch = live.batch;
    else {
      process.stderr.write(`import: could not read the router ${values.nas}: ${live.error}\n`);
      exitCode = 1;
    }
  } else batch = batchFromFile(source as FileSource, text);
  if (batch && values['dry-run']) {
    process.stdout.write(formatPreview(await planImport(db, secrets, batch), true));
  } else if (batch) {
    const redisService = await resolveRedis(config, log);
    const redis = createRedis(redisService.url, 'isp-import');
    const queues = createQueueFactory(redis, config.QUEUE_PREFIX);
    try {
      const effects = collectEffects({ nasControl: queues.queue(QUEUES.nasControl), kickNotifications: async () => {}, log });
      const preview = await commitImport({ db, secrets, clock: { now: () => new Date() }, timeZone: config.ISP_TIME_ZONE, effects }, batch, {
        actor: { staffUserId: null, username: `cli ${userInfo().username}`, ip: null },
        anchorDay, nas: values.nas ?? null, label: values.file ?? `api ${values.nas}`,
      });
      await effects.flush();
      process.stdout.write(formatPreview(preview, false));
    } finally {
      await queues.close();
      redis.disconnect();
      await redisService.stop();
    }
  }
  return exitCode;
});
process.exit(code);
