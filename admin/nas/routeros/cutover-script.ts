/**
 * Moving a router's PPP logins from its local secrets (/ppp secret) to this server, and back.
 *
 * RouterOS tries a local secret first and asks RADIUS only when there is none, or it is
 * disabled (manual "PPP AAA"). So RADIUS decides a login only once the secret is off, and turning
 * every secret off at once would cut everyone off if RADIUS does not answer (wrong secret, a
 * firewall, the server down). The cut-over therefore runs on the router in two steps:
 *
 * 1. PPP AAA uses RADIUS; one imported subscriber, the canary, has its secret disabled and its
 *    session removed, so it reconnects through RADIUS.
 * 2. A /system scheduler checks every minute for the canary in `/ppp active` with `radius=yes`
 *    (the active connection's "authenticated by RADIUS" property, manual "PPP AAA", Active
 *    Users). Only then it runs the script disabling the other secrets this server knows (the
 *    usernames of its PPPoE subscriptions that are not terminated, each by name: a secret the
 *    server does not know, a site link say, stays) and removes itself.
 *
 * Checking on the router is the proof asked for: `radius=yes` is RouterOS's own statement that
 * RADIUS accepted the login, it works while no one watches, and a server that never answers
 * leaves every other secret on. Until then only the canary depends on RADIUS.
 *
 * The rollback removes the scheduler and the script, enables the secrets of the subscribers who
 * may be online per this server (active, soft-limited; those suspended or terminated here stay
 * disabled, as local secrets cannot put them in the walled garden), then sets
 * `/ppp aaa use-radius=no`.
 */
import type { Knex } from '../../../lib/db.js';
import type { Locale } from '../../../lib/i18n.js';
import { quote } from '../../../lib/routeros/script-syntax.js';
import { commentLine } from './setup-script.js';

export const CUTOVER_NAME = 'billing-cutover';

export interface CutoverUsers {
  /** PPPoE usernames of subscriptions that are not terminated (sorted). */
  known: string[];
  /** Of those, active or soft-limited. */
  online: string[];
}

/** The PPPoE usernames the cut-over and the rollback act on. */
export async function cutoverUsers(db: Knex): Promise<CutoverUsers> {
  const rows = (await db('subscriptions').where({ service_type: 'pppoe' }).whereNot({ status: 'terminated' }).orderBy('username').select('username', 'status')) as Array<{ username: string; status: string }>;
  return { known: rows.map((r) => r.username), online: rows.filter((r) => r.status === 'active' || r.status === 'soft_limited').map((r) => r.username) };
}

export interface CutoverInput {
  locale: Locale;
  /** The imported subscriber who logs in through RADIUS first. */
  canary: string;
  /** Every secret to disable once the canary is online through RADIUS (cutoverUsers known). */
  usernames: readonly string[];
  /** Acct-Interim-Interval, seconds. */
  interimInterval: number;
}

/** The cut-over script. @throws RangeError when the canary is not one of `usernames`. */
export function cutoverScript(i: CutoverInput): string {
  if (!i.usernames.includes(i.canary)) throw new RangeError('the canary must be one of the imported usernames');
  const c = (key: string, vars?: Record<string, string | number>): string => commentLine(i.locale, key, vars);
  const name = quote(CUTOVER_NAME);
  const canary = quote(i.canary);
  const minutes = Math.max(1, Math.round(i.interimInterval / 60));
  const disable = [
    ...i.usernames.filter((u) => u !== i.canary).map((u) => `/ppp secret disable [find where name=${quote(u)}]`),
    `:log info ${quote(`${CUTOVER_NAME}: ${i.canary} logged in through RADIUS, local secrets disabled`)}`,
    `/system scheduler remove [find where name=${name}]`,
  ];
  const check = `:if ([:len [/ppp active find where name=${canary} radius=yes]] > 0) do={ /system script run ${name} }`;
  return [
    c('cutover_header', { canary: i.canary, count: i.usernames.length - 1 }),
    c('cutover_aaa'),
    `/ppp aaa set use-radius=yes accounting=yes interim-update=${minutes}m`,
    c('cutover_canary', { canary: i.canary }),
    `/ppp secret disable [find where name=${canary}]`,
    `/ppp active remove [find where name=${canary}]`,
    c('cutover_wait', { canary: i.canary }),
    `/system scheduler remove [find where name=${name}]`,
    `/system script remove [find where name=${name}]`,
    `/system script add name=${name} policy=read,write,test source=${quote(disable.join('\n'))}`,
    `/system scheduler add name=${name} interval=1m policy=read,write,test on-event=${quote(check)}`,
  ].join('\n');
}

/** The rollback script: RADIUS off for PPP, the `online` subscribers' secrets enabled again. */
export function rollbackScript(i: { locale: Locale; online: readonly string[] }): string {
  const c = (key: string, vars?: Record<string, string | number>): string => commentLine(i.locale, key, vars);
  const name = quote(CUTOVER_NAME);
  return [
    c('rollback_header'),
    `/system scheduler remove [find where name=${name}]`,
    `/system script remove [find where name=${name}]`,
    c('rollback_enable', { count: i.online.length }),
    ...i.online.map((u) => `/ppp secret enable [find where name=${quote(u)}]`),
    `/ppp aaa set use-radius=no`,
  ].join('\n');
}
