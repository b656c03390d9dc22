/**
 * What the webhook use cases are built from (ARCHITECTURE.md, "Conventions": dependencies passed
 * in), and how to take them from a process's container.
 */
import type { Clock } from '../../lib/clock.js';
import type { Config } from '../../lib/config.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE_URLS: endpoints on internal addresses are allowed. */
  allowInternal: boolean;
  /** WEBHOOK_TIMEOUT_SECONDS in milliseconds. */
  timeoutMs: number;
  /** WEBHOOK_DISABLE_AFTER_DAYS. */
  disableAfterDays: number;
}

export interface WebhookDeps {
  db: Knex;
  clock: Clock;
  secrets: SecretBox;
  log: Logger;
  settings: WebhookSettings;
}

/** The settings from the process configuration. */
export function webhookSettings(config: Pick<Config, 'WEBHOOK_ALLOW_PRIVATE_URLS' | 'WEBHOOK_TIMEOUT_SECONDS' | 'WEBHOOK_DISABLE_AFTER_DAYS'>): WebhookSettings {
  return { allowInternal: config.WEBHOOK_ALLOW_PRIVATE_URLS, timeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000, disableAfterDays: config.WEBHOOK_DISABLE_AFTER_DAYS };
}

/** Webhook deps from a container-like object (the worker's container, the console's deps). */
export function webhookDeps(c: { db: Knex; clock: Clock; secrets: SecretBox; log: Logger; config: Config }): WebhookDeps {
  return { db: c.db, clock: c.clock, secrets: c.secrets, log: c.log, settings: webhookSettings(c.config) };
}
