/**
 * The catalogue of message templates: their names, the locales they exist in, the params each
 * needs and may use, and the types and error the rest of billing/notifications/ shares.
 */
import type { Locale } from './channel.js';

export const TEMPLATE_NAMES = ['invoice_issued', 'payment_reminder', 'payment_received', 'suspended', 'reactivated', 'staff_alert', 'login_code', 'sign_in_link', 'broadcast', 'outage_started', 'outage_ended', 'assistant_reply'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const LOCALES: readonly Locale[] = ['id', 'en'];

/**
 * The params each template needs. Every template may also use customerNumber, payUrl,
 * companyName and planName when given (an absent optional param renders as nothing).
 */
export const REQUIRED_PARAMS: Readonly<Record<TemplateName, readonly string[]>> = {
  invoice_issued: ['customerName', 'invoiceNumber', 'amount', 'dueDate'],
  payment_reminder: ['customerName', 'invoiceNumber', 'amount', 'dueDate'],
  // A payment may settle several invoices, or none (credit): the invoice number is optional.
  payment_received: ['customerName', 'amount'],
  suspended: ['customerName', 'invoiceNumber', 'amount'],
  reactivated: ['customerName'],
  staff_alert: ['message'],
  // The self-service portal's one-time sign-in code: sent at once by the portal, never through the outbox (no code in the database).
  login_code: ['code', 'minutes'],
  // A one-time sign-in link to the portal that staff send (admin/customers/portal-account.ts): sent at
  // once, never through the outbox, for the same reason. `days`: how long the link is valid.
  sign_in_link: ['link', 'days'],
  // A staff broadcast (admin/broadcasts/): the text is the staff member's message with the
  // recipient's name, number and amount owed already filled in when it was queued.
  broadcast: ['text'],
  // A network outage in the customer's area (network/alerts/outage-round.ts queues them through
  // billing/outages/queue-outage-notices.ts): since / until are local date and time, formatted.
  outage_started: ['customerName', 'since'],
  outage_ended: ['customerName', 'since', 'until'],
  // The WhatsApp assistant's answer, or a staff reply to a ticket opened on WhatsApp
  // (billing/assistant/): the whole text, written in the conversation's language when queued.
  assistant_reply: ['text'],
};

/**
 * Every param a template may use beyond REQUIRED_PARAMS (an absent one renders as nothing), as the
 * billing notifier (outbox-notifier.ts payloadFor) and the staff-alert relay fill them.
 */
export const OPTIONAL_PARAMS: Readonly<Partial<Record<TemplateName, readonly string[]>>> = {
  invoice_issued: ['customerNumber', 'planName', 'payUrl', 'companyName'],
  payment_reminder: ['customerNumber', 'planName', 'payUrl', 'companyName'],
  payment_received: ['invoiceNumber', 'customerNumber', 'planName', 'payUrl', 'companyName'],
  suspended: ['dueDate', 'customerNumber', 'planName', 'payUrl', 'companyName'],
  reactivated: ['customerNumber', 'planName', 'payUrl', 'companyName'],
  staff_alert: ['customerName', 'customerNumber', 'companyName'],
  login_code: ['customerName', 'customerNumber', 'companyName'],
  sign_in_link: ['customerName', 'customerNumber', 'companyName'],
  broadcast: ['customerName', 'customerNumber', 'companyName'],
  outage_started: ['customerNumber', 'planName', 'companyName'],
  outage_ended: ['customerNumber', 'planName', 'companyName'],
  assistant_reply: [],
};

/** Staff-edited sources by template and locale (see template-overrides.ts). */
export type TemplateOverrides = Partial<Record<TemplateName, Partial<Record<Locale, { subject: string; body: string }>>>>;

export interface RenderedMessage {
  subject: string;
  text: string;
}

/** A template that is unknown, broken, or missing a required param: a programming or staff error, not worth retrying. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/** The placeholders of template `name`: required first, then optional. */
export function templatePlaceholders(name: TemplateName): { required: readonly string[]; optional: readonly string[] } {
  return { required: REQUIRED_PARAMS[name], optional: OPTIONAL_PARAMS[name] ?? [] };
}
