/**
 * Structured JSON logging (pino). Fields named like secrets are redacted wherever they appear,
 * so a careless `log.info({ nas })` cannot leak a shared secret or a password.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'secret', 'password', 'token', 'serverKey', 'apiKey',
  '*.secret', '*.password', '*.token', '*.serverKey', '*.apiKey', '*.passwordEnc', '*.secretEnc',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-callback-token"]',
];

/**
 * Creates the process logger at `level`: JSON lines on stdout, or pino-pretty's readable lines
 * when `format` is `pretty` (the default when stdout is a terminal).
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, format?: 'json' | 'pretty'): Logger {
  const pretty = (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  return pino({
    level,
    base,
    redact: { paths: REDACT, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
