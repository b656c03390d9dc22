/**
 * REDIS_URL in its three forms (README.md, "Configuration"; SCALING.md, "Database replica and
 * Redis high availability"):
 *
 * - `redis://[[user]:password@]host:port[/db]` or `rediss://…` (TLS): one server, as ioredis reads it.
 * - `redis+sentinel://[[user]:password@]host1:26379,host2:26379[,…]/mastername[?db=N&sentinel_password=…]`:
 *   Redis Sentinel. The hosts are sentinels (port 26379 when absent, the sentinel default); the
 *   path names the monitored master (`sentinel monitor <name> …`); the user and password are
 *   the master's (AUTH), `sentinel_password` the sentinels' own (`requirepass` in sentinel.conf),
 *   `db` the database number. Clients ask a sentinel for the current master and follow a
 *   failover (redis.io/docs/latest/operate/oss_and_stack/management/sentinel/, "Sentinel clients").
 * - `redis+cluster://[[user]:password@]host1:7000,host2:7001[,…]`: Redis Cluster. The hosts are
 *   seed nodes (port 6379 when absent); the client learns the slot map from any of them
 *   (CLUSTER SLOTS). A cluster has no databases (redis.io, "Redis cluster specification"), so a
 *   path or `db` is refused. BullMQ on a cluster needs every key of a queue in one hash slot, so
 *   the queue prefix carries a hash tag: `hashTaggedPrefix` (docs.bullmq.io/patterns/redis-cluster).
 *
 * Multi-host URLs are not WHATWG URLs (a comma list is no host), so they are parsed here, not by `new URL`.
 */

export interface RedisNode { host: string; port: number }

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string; username?: string; password?: string; sentinelPassword?: string; db: number }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string };

const SENTINEL_PORT = 26379;
const REDIS_PORT = 6379;

/** `host:port` or `[v6]:port` or a bare host; throws on a port outside 1..65535. */
function parseNode(text: string, defaultPort: number): RedisNode {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) throw new Error(`bad host "${text}" (expected host or host:port)`);
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`bad port in "${text}"`);
  return { host: m[1] ?? m[2]!, port };
}

const decode = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : decodeURIComponent(v));

/**
 * Parses a REDIS_URL into what `createRedis` connects to.
 * @returns `{ kind: 'single', url }` for redis:// and rediss:// (ioredis parses those itself)
 * @throws Error naming what is wrong (scheme, host list, master name, db); the message never
 *   contains the password.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const scheme = /^([a-z+]+):\/\//.exec(url)?.[1];
  if (scheme === 'redis' || scheme === 'rediss') {
    try {
      new URL(url);
    } catch {
      throw new Error(`${scheme}:// URL is not a valid URL`);
    }
    return { kind: 'single', url };
  }
  if (scheme !== 'redis+sentinel' && scheme !== 'redis+cluster') {
    throw new Error('expected redis://, rediss://, redis+sentinel:// or redis+cluster://');
  }
  const rest = url.slice(scheme.length + 3);
  const [beforeQuery, query = ''] = splitOnce(rest, '?');
  const at = beforeQuery.lastIndexOf('@');
  const auth = at >= 0 ? beforeQuery.slice(0, at) : '';
  const [hostList, path = ''] = splitOnce(at >= 0 ? beforeQuery.slice(at + 1) : beforeQuery, '/');
  const [user, pass] = auth.includes(':') ? splitOnce(auth, ':') : [auth, undefined];
  const username = decode(user);
  const password = decode(pass);
  const params = new URLSearchParams(query);
  if (!hostList) throw new Error(`${scheme}:// needs at least one host`);
  if (scheme === 'redis+cluster') {
    if (path || params.has('db')) throw new Error('redis+cluster:// takes no database (Redis Cluster has only db 0)');
    return { kind: 'cluster', nodes: hostList.split(',').map((h) => parseNode(h, REDIS_PORT)), username, password };
  }
  const name = decode(path);
  if (!name) throw new Error('redis+sentinel:// needs the master name as its path (/mymaster)');
  const dbText = params.get('db') ?? '0';
  if (!/^\d{1,2}$/.test(dbText)) throw new Error('redis+sentinel:// db must be a whole number');
  return {
    kind: 'sentinel', sentinels: hostList.split(',').map((h) => parseNode(h, SENTINEL_PORT)), name,
    username, password, sentinelPassword: params.get('sentinel_password') ?? undefined, db: Number(dbText),
  };
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

/** Whether `prefix` holds a Redis Cluster hash tag: `{…}` with at least one character inside (cluster spec, "Hash tags"). */
export const hasHashTag = (prefix: string): boolean => /\{[^}]+\}/.test(prefix);

/**
 * The queue prefix to use with `redisUrl`: on `redis+cluster://` a prefix without a hash tag is
 * wrapped in braces (`isp` → `{isp}`), so every key of the installation (BullMQ's multi-key Lua
 * scripts, sessions, limits) lands in one slot; any other URL keeps the prefix as given.
 */
export function hashTaggedPrefix(prefix: string, redisUrl: string | undefined): string {
  if (!redisUrl?.startsWith('redis+cluster://') || hasHashTag(prefix)) return prefix;
  return `{${prefix}}`;
}
