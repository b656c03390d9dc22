/**
 * Process configuration, read once from the environment and validated with zod at start-up.
 * A bad value stops the process with a message naming the variable, before anything listens.
 *
 * Every variable is documented in README.md ("Configuration"); keep the two in step.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { hashTaggedPrefix, parseRedisUrl } from './redis-url.js';
import { parseTrustedProxies } from './trusted-proxies.js';

const ROLES = ['radius', 'web', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const port = z.coerce.number().int().min(0).max(65535);
/** `auto` (resolved by `auto()` when the config is read) or a whole number from `min` to 64. */
const processCount = (min: number, auto: () => number) =>
  z
    .union([z.literal('auto'), z.coerce.number().int().min(min).max(64)], { error: `expected auto or a whole number from ${min} to 64` })
    .default('auto')
    .transform((v) => (v === 'auto' ? Math.min(64, Math.max(min, auto())) : v));
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** `all` (default) or a comma list of radius, web, worker. */
  ROLE: z
    .string()
    .default('all')
    .transform((v, ctx) => {
      if (v === 'all') return [...ROLES];
      const roles = v.split(',').map((r) => r.trim()).filter(Boolean);
      for (const r of roles) {
        if (!(ROLES as readonly string[]).includes(r)) {
          ctx.addIssue({ code: 'custom', message: `unknown role "${r}" (expected all, ${ROLES.join(', ')})` });
          return z.NEVER;
        }
      }
      if (!roles.length) {
        ctx.addIssue({ code: 'custom', message: `no role given (expected all, ${ROLES.join(', ')})` });
        return z.NEVER;
      }
      return roles as Role[];
    }),
  /** PostgreSQL URL; absent: embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  // Database replica and Redis high availability (issue 13 item 4; SCALING.md; lib/redis-url.ts).
  /**
   * A streaming replica (hot standby) of DATABASE_URL: reports and CSV exports read from it
   * (container.replicaDb), never anything that must see its own write. Absent: they read the primary.
   */
  DATABASE_REPLICA_URL: z.string().url().optional(),
  /**
   * Redis: `redis://…`, `rediss://…`, `redis+sentinel://[:pw@]host:26379,…/mastername[?db=N]` or
   * `redis+cluster://[:pw@]host:7000,…` (lib/redis-url.ts). Absent: `redis-server` from the PATH
   * with its data under DATA_DIR.
   */
  REDIS_URL: z.string().optional().superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseRedisUrl(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /**
   * Prefix of every BullMQ key, so several installations can share one Redis. With a
   * redis+cluster:// REDIS_URL it gets braces (`{isp}`) unless it has a hash tag already.
   */
  QUEUE_PREFIX: z.string().min(1).default('isp'),
  DATA_DIR: z.string().default('./.data'),
  /**
   * 32-byte key (64 hex characters or base64) that encrypts NAS secrets, RouterOS and subscriber
   * passwords at rest. Absent outside production: generated once into DATA_DIR/secret.key.
   */
  APP_SECRET_KEY: z.string().optional(),
  HOST: z.string().default('127.0.0.1'),
  /** Bearer token for /metrics and the detailed /health from other hosts (loopback needs none). */
  METRICS_TOKEN: z.string().min(16).optional(),
  PORT: port.default(3000),
  RADIUS_HOST: z.string().default('0.0.0.0'),
  RADIUS_AUTH_PORT: port.default(1812),
  RADIUS_ACCT_PORT: port.default(1813),
  // Radius processes (server/radius-cluster.ts; ARCHITECTURE.md "Roles"): `auto` or a number.
  /**
   * Access-Request processes sharing RADIUS_AUTH_PORT (Node's cluster). `auto` (default): the
   * cores this process may use (os.availableParallelism()). One Node process uses one core.
   */
  RADIUS_PROCESSES: processCount(1, () => os.availableParallelism()),
  /**
   * Accounting-Request processes sharing RADIUS_ACCT_PORT, apart from the Access-Request ones so
   * an accounting flood never delays a login. `auto` (default): half the cores, at least one
   * (accounting waits mostly on PostgreSQL commits). 0: accounting in the Access-Request processes.
   */
  RADIUS_ACCT_PROCESSES: processCount(0, () => Math.max(1, Math.floor(os.availableParallelism() / 2))),
  /**
   * Scheduling niceness of the accounting processes (setpriority(2), -20 to 19; 0: as started).
   * Above the Access-Request processes' so that, when the cores are busy, the kernel runs a login
   * before an accounting batch (accounting waits on PostgreSQL commits anyway).
   */
  RADIUS_ACCT_NICE: z.coerce.number().int().min(-20).max(19).default(10),
  /**
   * Access-Requests each Access-Request process answers on a scratch replica over loopback before
   * it opens its socket, so the first login storm after a start meets compiled code
   * (aaa/pipeline/warm-up.ts). 0: no warm-up.
   */
  RADIUS_WARM_UP_REQUESTS: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  /** Acct-Interim-Interval sent in Access-Accept, seconds (RFC 2869 §5.16: at least 60). */
  RADIUS_INTERIM_INTERVAL: z.coerce.number().int().min(60).max(86400).default(300),
  /** A session with no accounting for this many interim intervals is closed by the sweep. */
  RADIUS_STALE_INTERVALS: z.coerce.number().int().min(2).max(100).default(3),
  /**
   * Accounting records queued or committing at most, per radius process; beyond it a request is
   * dropped (the NAS retries) and counted. About what the database commits in a few hundred ms.
   */
  RADIUS_ACCT_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  /** Which Access-Requests go to the post-auth log: all, reject (rejects and walled garden), none. */
  RADIUS_POST_AUTH_LOG: z.enum(['all', 'reject', 'none']).default('reject'),
  // Accounting history (issue 13; aaa/accounting/accounting-partitions.ts): partitioned by month,
  // older months archived as gzip files and dropped by the worker's `accounting-partitions` job.
  /** Months of session history kept in the database besides the current one; 0: keep everything. */
  ACCOUNTING_RETENTION_MONTHS: z.coerce.number().int().min(0).max(600).default(12),
  /** Where archived months go (`accounting_sessions_pYYYYMM.csv.gz`); default DATA_DIR/archive/accounting. */
  ACCOUNTING_ARCHIVE_DIR: z.string().optional(),
  // RadSec (RADIUS over TLS, RFC 6614; aaa/radsec/). Off unless RADSEC_ENABLED.
  /** Listen for RadSec on TCP RADSEC_PORT in the radius role (the internal CA is created on first use). */
  RADSEC_ENABLED: bool.default(false),
  RADSEC_HOST: z.string().default('0.0.0.0'),
  /** RFC 6614 §2.1: TCP 2083. */
  RADSEC_PORT: port.default(2083),
  /** Subject alternative names of the server certificate, comma separated (DNS names or IP addresses); empty: the host name. */
  RADSEC_SERVER_NAMES: z.string().optional(),
  /** A connection with no packet for this many seconds is closed (RFC 6613 §2.6: idle timeout). */
  RADSEC_IDLE_TIMEOUT: z.coerce.number().int().min(10).max(86400).default(600),
  /** Open RadSec connections at most per radius process; beyond it a new one is refused. */
  RADSEC_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Load demo data (NAS, plans, customers) into an empty database on start. */
  DEMO_DATA: bool.default(true),
  ISP_TIME_ZONE: z.string().default('Asia/Jakarta'),
  /**
   * Reverse proxies in front of the web role (addresses or CIDR ranges, comma separated): their
   * X-Forwarded-For names the client (sign-in limits, audit, captive portal). Empty: the TCP peer is the client.
   */
  TRUSTED_PROXIES: z.string().optional().superRefine((v, ctx) => {
    try {
      parseTrustedProxies(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /** This server's public URL (payment return pages, links in messages); default http://HOST:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  // Payment gateways (absent keys: the gateway is off). *_URL overrides exist for tests and sandboxes.
  MIDTRANS_SERVER_KEY: z.string().optional(),
  MIDTRANS_CLIENT_KEY: z.string().optional(),
  MIDTRANS_PRODUCTION: bool.default(false),
  MIDTRANS_API_URL: z.string().url().optional(),
  MIDTRANS_SNAP_URL: z.string().url().optional(),
  XENDIT_SECRET_KEY: z.string().optional(),
  XENDIT_CALLBACK_TOKEN: z.string().optional(),
  XENDIT_API_URL: z.string().url().optional(),
  // Tripay and Duitku (issue 14, payment channels; billing/payments/gateways/tripay.ts, duitku.ts).
  // Absent keys: the gateway is off. *_API_URL default to production; the sandboxes are
  // https://tripay.co.id/api-sandbox and https://sandbox.duitku.com.
  TRIPAY_API_KEY: z.string().optional(),
  TRIPAY_PRIVATE_KEY: z.string().optional(),
  TRIPAY_MERCHANT_CODE: z.string().optional(),
  TRIPAY_METHOD: z.string().optional(),
  TRIPAY_API_URL: z.string().url().optional(),
  DUITKU_MERCHANT_CODE: z.string().optional(),
  DUITKU_API_KEY: z.string().optional(),
  DUITKU_PAYMENT_METHOD: z.string().optional(),
  DUITKU_API_URL: z.string().url().optional(),
  // Notification channels (absent: the channel is off).
  WHATSAPP_PROVIDER: z.enum(['none', 'cloud', 'fonnte']).default('none'),
  WHATSAPP_CLOUD_TOKEN: z.string().optional(),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z.string().optional(),
  WHATSAPP_CLOUD_API_URL: z.string().url().default('https://graph.facebook.com/v21.0'),
  FONNTE_TOKEN: z.string().optional(),
  FONNTE_API_URL: z.string().url().default('https://api.fonnte.com'),
  // WhatsApp assistant, inbound (billing/assistant/; README.md, "WhatsApp assistant"). An absent secret turns that webhook off (404).
  /** Meta app secret: a Cloud API webhook's X-Hub-Signature-256 is `sha256=` HMAC-SHA256(raw body, this secret), hex. */
  WHATSAPP_CLOUD_APP_SECRET: z.string().min(1).optional(),
  /** The "Verify token" typed into Meta's webhook setup, echoed back in the GET handshake (hub.verify_token). */
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().min(1).optional(),
  /** The secret last path segment of Fonnte's webhook URL (/webhooks/whatsapp/fonnte/<secret>); Fonnte signs nothing. */
  FONNTE_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Messages one number may send the assistant per window; beyond, one notice, then silence. */
  WHATSAPP_ASSISTANT_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(20),
  WHATSAPP_ASSISTANT_RATE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  SMS_GATEWAY_URL: z.string().url().optional(),
  SMS_GATEWAY_TOKEN: z.string().optional(),
  SMTP_URL: z.string().url().optional(),
  SMTP_FROM: z.string().optional(),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_CHAT_ID: z.string().optional(),
  TELEGRAM_API_URL: z.string().url().default('https://api.telegram.org'),
  // Outbound webhooks (billing/webhooks-out/; README.md, "Webhooks").
  /** Allow endpoints on loopback, private, link-local and other internal addresses (an endpoint on the ISP's LAN; tests). */
  WEBHOOK_ALLOW_PRIVATE_URLS: bool.default(false),
  /** Seconds a receiver has to answer a delivery before it counts as failed and is retried. */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  /** An endpoint failing every delivery for this many days is switched off, with a staff alert. */
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().int().min(1).max(90).default(3),
  // Staff console.
  /** bcrypt cost of staff passwords (2^N rounds; 12 ≈ 0.3 s a sign-in here, what OWASP suggests as a minimum is 10). */
  PASSWORD_HASH_ROUNDS: z.coerce.number().int().min(4).max(15).default(12),
  /** A staff session ends after this many hours without a request. */
  STAFF_SESSION_IDLE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /** Failed sign-ins in a row that lock a staff account for STAFF_LOCKOUT_MINUTES. */
  STAFF_LOCKOUT_FAILURES: z.coerce.number().int().min(3).max(100).default(5),
  STAFF_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  // REST API (api/, issue 14): requests per token per minute, counted in Redis so several web
  // processes share one budget; above it 429 with Retry-After (RFC 6585 §4).
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json: one JSON object per line (production); pretty: human-readable (default on a terminal). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export type Config = Omit<z.infer<typeof schema>, 'DATA_DIR'> & { DATA_DIR: string };

/**
 * Parses `env` (default `process.env`) into a Config.
 * @throws Error listing every invalid variable, e.g. `RADIUS_AUTH_PORT: Too big: expected number to be <=65535`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty or blank variable counts as unset (docker-compose passes `${X:-}` as '').
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: parsed.data.ISP_TIME_ZONE });
  } catch {
    throw new Error(`invalid configuration:\n  ISP_TIME_ZONE: unknown time zone "${parsed.data.ISP_TIME_ZONE}"`);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.APP_SECRET_KEY) {
    throw new Error('invalid configuration:\n  APP_SECRET_KEY: required in production (32 bytes as hex or base64)');
  }
  return { ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR), QUEUE_PREFIX: hashTaggedPrefix(parsed.data.QUEUE_PREFIX, parsed.data.REDIS_URL) };
}
