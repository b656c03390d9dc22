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

/** Creates the process logger: JSON lines on stdout at `level`. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base, redact: { paths: REDACT, censor: '[redacted]' } });
}
