/**
 * E-mail through an SMTP server with nodemailer (nodemailer.com/smtp, nodemailer.com/message).
 *
 * The server is one URL: `smtp://user:pass@mail.example.co.id:587` (STARTTLS when the server
 * offers it) or `smtps://…:465` (TLS from the start); the password is percent-encoded in the
 * URL. Each message is `from`, `to` (the recipient), `subject` and a plain-text body.
 *
 * Outcome, by the SMTP reply (RFC 5321 §4.2.1): 4yz (and 503) are transient and retried; 5yz is
 * a permanent refusal (unknown mailbox, relay denied, bad credentials 535). Without a reply:
 * connection failures, timeouts and TLS errors are retried; missing credentials, a bad
 * configuration or an invalid envelope are not.
 */
import nodemailer, { type NodemailerError } from 'nodemailer';
import { redactSecrets, type NotificationChannel, type OutgoingMessage, type SendResult } from '../channel.js';
import { DEFAULT_TIMEOUT_MS } from './http.js';

export interface EmailOptions {
  /** `smtp://` or `smtps://` URL with the credentials, e.g. `smtp://billing%40isp.id:secret@smtp.isp.id:587`. */
  url: string;
  /** The From header: `"Net Desa" <billing@netdesa.id>`. */
  from: string;
  /** Connection, greeting and idle-socket timeouts, milliseconds (default 10 000). */
  timeoutMs?: number;
}

export interface EmailChannel extends NotificationChannel {
  /** Closes pooled connections (none are kept: one connection per message); for symmetry on shutdown. */
  close(): void;
}

const PERMANENT_WITHOUT_REPLY = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS']);

function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return u.password ? [u.password, decodeURIComponent(u.password)] : [];
  } catch {
    return [url];
  }
}

/** Maps a nodemailer error to a failed SendResult (see the module comment for what is retried). */
export function smtpFailure(err: NodemailerError, secrets: string[]): SendResult & { ok: false } {
  const rc = err.responseCode;
  let retryable: boolean;
  if (typeof rc === 'number') retryable = err.permanent !== undefined ? !err.permanent : !(rc >= 500 && rc !== 503);
  else retryable = !PERMANENT_WITHOUT_REPLY.has(err.code ?? '');
  const detail = typeof rc === 'number' ? `${rc} ${(err.response ?? err.message).replace(/^\d{3}[ -]/, '')}` : `${err.code ?? 'error'} ${err.message}`;
  return { ok: false, retryable, error: redactSecrets(`smtp ${detail.replace(/\s+/g, ' ').trim()}`, secrets) };
}

/** Creates the e-mail channel (name `email`). */
export function createEmailChannel(opts: EmailOptions): EmailChannel {
  const secrets = urlSecrets(opts.url);
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = nodemailer.createTransport({ url: opts.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });

  return {
    name: 'email',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const to = message.recipient.trim();
      if (!/^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(to)) return { ok: false, retryable: false, error: 'email: recipient is not an e-mail address' };
      try {
        const info = await transport.sendMail({ from: opts.from, to, subject: message.subject, text: message.text });
        if (info.rejected.length > 0) return { ok: false, retryable: false, error: 'smtp: recipient rejected' };
        return { ok: true, providerId: info.messageId };
      } catch (err) {
        return smtpFailure(err as NodemailerError, secrets);
      }
    },
    close() {
      transport.close();
    },
  };
}
