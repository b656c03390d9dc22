/**
 * A private FreeRADIUS 3.2 configuration for `npm run bench:radius -- --compare-freeradius`:
 * Debian's shipped tree (/etc/freeradius/3.0) copied into a temporary directory, then changed
 * only where a side-by-side run needs it, so the figures are those of FreeRADIUS as packaged:
 *
 * - radiusd.conf: raddbdir, logdir and run_dir point into the directory; the `user`/`group`
 *   lines are removed (started as root it would switch to `freerad`, who cannot read it); the
 *   thread pool (5 start, 32 max), max_requests and every other default stay as shipped.
 * - clients.conf: one client, 127.0.0.1, with the bench secret and
 *   `require_message_authenticator = yes` (as this server's NAS rows require it; BlastRADIUS,
 *   CVE-2024-3596; FreeRADIUS clients.conf documentation).
 * - sites-enabled: one virtual server `bench` listening on the given unprivileged ports, with the
 *   sections a PAP-only ISP needs out of the shipped default site: authorize { files | sql; pap },
 *   authenticate { pap }, preacct { acct_unique } (the Acct-Unique-Session-Id the shipped SQL
 *   queries key radacct on), accounting { sql } and post-auth { sql } as in sites-available/default.
 * - mods-enabled: only the modules that site uses (always, pap, files, and sql for the SQL setup),
 *   so no EAP certificates or detail files are involved.
 * - users: `files` mode writes mods-config/files/authorize with the same N subscribers the load
 *   seed creates for this server (userI / passI, Mikrotik-Rate-Limit and Framed-Pool of the load
 *   plan); `sql` mode uses rlm_sql_postgresql with the shipped dialect queries
 *   (mods-config/sql/main/postgresql/queries.conf) on a database of its own.
 *
 * Start it with `freeradius -d DIR -f -l stdout` (`-f`: stay in the foreground; not `-X`, which
 * is single-threaded debugging). Sources: FreeRADIUS 3.2 radiusd.conf, clients.conf,
 * mods-available/sql and sites-available/default as installed by Debian's `freeradius` package.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SHIPPED_RADDB = '/etc/freeradius/3.0';
export const FREERADIUS_BIN = '/usr/sbin/freeradius';

/** Where rlm_sql_postgresql connects; the database holds FreeRADIUS's own schema (radcheck, radreply, radacct…). */
export interface SqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface FreeradiusSetup {
  mode: 'files' | 'sql';
  authPort: number;
  acctPort: number;
  /** The RADIUS shared secret of client 127.0.0.1 (ASCII, no double quote). */
  secret: string;
  /** files mode: user1..userN with passwords pass1..passN. */
  subscribers: number;
  /** The reply every subscriber gets, attribute name → string value (FreeRADIUS names). */
  reply: Record<string, string>;
  /** sql mode only. */
  sql?: SqlTarget;
}

/** Quotes a value for FreeRADIUS's config and users files (double quotes, backslash escapes). */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The users file (rlm_files `authorize`) for user1..userN: a check item `Cleartext-Password :=`
 * and the reply items on the following tab-indented line(s). Format: FreeRADIUS `man 5 users`.
 */
export function usersFile(n: number, reply: Record<string, string>): string {
  const items = Object.entries(reply).map(([name, value]) => `${name} = ${quote(value)}`).join(',\n\t');
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(`user${i}\tCleartext-Password := "pass${i}"\n\t${items}\n`);
  return out.join('');
}

/** The `bench` virtual server: see the module docstring for what each section keeps of the shipped default site. */
export function siteConfig(setup: FreeradiusSetup): string {
  const store = setup.mode === 'sql' ? 'sql' : 'files';
  return `server bench {
listen {
	type = auth
	ipaddr = 127.0.0.1
	port = ${setup.authPort}
}
listen {
	type = acct
	ipaddr = 127.0.0.1
	port = ${setup.acctPort}
}
authorize {
	${store}
	pap
}
authenticate {
	Auth-Type PAP {
		pap
	}
}
preacct {
	acct_unique
}
accounting {
	${setup.mode === 'sql' ? 'sql' : 'ok'}
}
post-auth {
	${setup.mode === 'sql' ? '-sql' : 'ok'}
	Post-Auth-Type REJECT {
		${setup.mode === 'sql' ? '-sql' : 'ok'}
	}
}
}
`;
}

/**
 * The rlm_sql instance: the shipped mods-available/sql defaults (table names, pool sized from the
 * thread pool, the dialect's queries.conf) with the postgresql dialect and driver and our target.
 */
export function sqlModule(sql: SqlTarget): string {
  return `sql {
	dialect = "postgresql"
	driver = "rlm_sql_\${dialect}"
	postgresql {
		send_application_name = yes
	}
	server = ${quote(sql.host)}
	port = ${sql.port}
	login = ${quote(sql.user)}
	password = ${quote(sql.password)}
	radius_db = ${quote(sql.database)}
	acct_table1 = "radacct"
	acct_table2 = "radacct"
	postauth_table = "radpostauth"
	authcheck_table = "radcheck"
	groupcheck_table = "radgroupcheck"
	authreply_table = "radreply"
	groupreply_table = "radgroupreply"
	usergroup_table = "radusergroup"
	delete_stale_sessions = yes
	pool {
		start = \${thread[pool].start_servers}
		min = \${thread[pool].min_spare_servers}
		max = \${thread[pool].max_servers}
		spare = \${thread[pool].max_spare_servers}
		uses = 0
		retry_delay = 30
		lifetime = 0
		idle_timeout = 60
	}
	read_clients = no
	client_table = "nas"
	group_attribute = "SQL-Group"
	$INCLUDE \${modconfdir}/\${.:name}/main/\${dialect}/queries.conf
}
`;
}

/** radiusd.conf as shipped, with paths moved into `dir` and the user/group switch removed. */
export function radiusdConf(shipped: string, dir: string): string {
  return shipped
    .replace(/^raddbdir = .*$/m, `raddbdir = ${dir}`)
    .replace(/^logdir = .*$/m, `logdir = ${dir}/log`)
    .replace(/^run_dir = .*$/m, `run_dir = ${dir}/run`)
    .replace(/^(\s*)(user|group) = freerad\s*$/gm, '$1# $2 removed by the benchmark (run as the invoking user)');
}

const MODULES: Record<FreeradiusSetup['mode'], string[]> = {
  files: ['always', 'expr', 'pap', 'files'],
  sql: ['always', 'expr', 'pap'],
};

/**
 * Writes the configuration into a new directory under the system temp dir and returns its path.
 * @throws Error when the shipped tree is missing (install Debian's `freeradius` package).
 */
export function writeFreeradiusConfig(setup: FreeradiusSetup, shipped = SHIPPED_RADDB): string {
  if (!fs.existsSync(path.join(shipped, 'radiusd.conf'))) throw new Error(`${shipped}/radiusd.conf not found: install the freeradius package`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `freeradius-bench-${setup.mode}-`));
  fs.cpSync(shipped, dir, { recursive: true, verbatimSymlinks: true });
  for (const sub of ['log', 'run']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'radiusd.conf'), radiusdConf(fs.readFileSync(path.join(shipped, 'radiusd.conf'), 'utf8'), dir));
  fs.writeFileSync(
    path.join(dir, 'clients.conf'),
    `client bench {\n\tipaddr = 127.0.0.1\n\tsecret = ${quote(setup.secret)}\n\trequire_message_authenticator = yes\n\tnas_type = other\n}\n`,
  );
  const sites = path.join(dir, 'sites-enabled');
  for (const f of fs.readdirSync(sites)) fs.rmSync(path.join(sites, f));
  fs.writeFileSync(path.join(sites, 'bench'), siteConfig(setup));
  const mods = path.join(dir, 'mods-enabled');
  for (const f of fs.readdirSync(mods)) fs.rmSync(path.join(mods, f));
  for (const m of MODULES[setup.mode]) fs.symlinkSync(`../mods-available/${m}`, path.join(mods, m));
  if (setup.mode === 'files') {
    fs.writeFileSync(path.join(dir, 'mods-config/files/authorize'), usersFile(setup.subscribers, setup.reply));
  } else {
    if (!setup.sql) throw new Error('sql mode needs the database target');
    fs.writeFileSync(path.join(mods, 'sql'), sqlModule(setup.sql));
  }
  return dir;
}
