/**
 * One inbound WhatsApp message, start to answer (README.md, "WhatsApp assistant"):
 *
 *   number → conversation (locked) → rate limit → stored once → who is it → command → answer queued
 *
 * - The sender's number (E.164) finds the customers whose phone it is (identify-sender.ts). An
 *   unknown number gets one polite answer that names nobody and nothing.
 * - Rate limit per number: `messages` inbound messages per `windowMinutes` (default 20 / 10 min);
 *   beyond, the message is stored as `rate_limited`, one notice is sent for the window, then
 *   nothing until the window has passed.
 * - Several subscriptions: a command that needs one asks which (a numbered list), keeps the
 *   command waiting, and runs it once the customer answers with a number; the choice is
 *   remembered for the conversation ("pilih" / "choose" asks again).
 * - Language: the command word's when it has one (parse-command.ts), else the conversation's,
 *   which starts as the customer's (customers.locale).
 * - Everything happens in one transaction: the stored messages, any ticket, the queued answer
 *   (notification_outbox) commit together, and a redelivered webhook (same provider message id)
 *   changes nothing. A Wi-Fi change waits for GenieACS inside it (bounded by the NBI client's timeout).
 *
 * @returns `duplicate` when the message was already handled, `ignored` when the number is not
 *   a phone number, else `handled`. @throws on database errors (the webhook answers 500 and the
 *   provider redelivers).
 */
import { normalizePhone } from '../../lib/phone.js';
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import type { AssistantDeps, InboundMessage } from './assistant-deps.js';
import { answerBill } from './answer-bill.js';
import { answerStatus } from './answer-status.js';
import { answerWifi } from './answer-wifi.js';
import { inboundSince, lockConversation, queueReply, storeInbound, type Conversation } from './conversations.js';
import { forwardMessage, openReport } from './forward-to-staff.js';
import { identifySender, type Sender, type SenderSubscription } from './identify-sender.js';
import { parseCommand, storedText, type Command } from './parse-command.js';
import { say } from './say.js';

export type InboundOutcome = 'handled' | 'duplicate' | 'ignored';

interface Turn {
  trx: Knex.Transaction;
  deps: AssistantDeps;
  conv: Conversation;
  sender: Sender;
  locale: Locale;
  now: Date;
  messageId: number;
  /** The text as stored (a passphrase masked): what staff may see. */
  visibleText: string;
}

type Answer = { text: string | null; ticketId?: number | null };

const list = (subs: SenderSubscription[]): string => subs.map((s, i) => `${i + 1}. ${s.username} (${s.planName})`).join('\n');

/** What the conversation waits on: never a passphrase (the customer sends it again after choosing). */
function waitingCommand(command: Command): Command {
  return command.kind === 'wifi' && command.password !== undefined ? { kind: 'wifi' } : command;
}

async function remember(turn: Turn, patch: Partial<Pick<Conversation, 'subscription_id' | 'customer_id'>> & { pending?: Conversation['pending'] }): Promise<void> {
  await turn.trx('assistant_conversations').where({ id: turn.conv.id }).update({ ...patch, ...(patch.pending !== undefined ? { pending: patch.pending === null ? null : JSON.stringify(patch.pending) } : {}) });
  Object.assign(turn.conv, patch);
}

/** The subscription a command is about, or the question that asks for it. */
async function chosen(turn: Turn, command: Command): Promise<SenderSubscription | Answer> {
  const subs = turn.sender.subscriptions;
  const current = subs.find((s) => s.id === turn.conv.subscription_id) ?? (subs.length === 1 ? subs[0] : undefined);
  if (current) return current;
  if (!subs.length) return { text: say(turn.locale, 'no_subscription') };
  await remember(turn, { pending: { command: waitingCommand(command) } });
  return { text: say(turn.locale, 'choose', { list: list(subs) }) };
}

async function run(turn: Turn, command: Command): Promise<Answer> {
  const { deps, trx, locale } = turn;
  const customerOf = (customerId: number) => turn.sender.customers.find((c) => c.id === customerId) ?? turn.sender.customers[0]!;
  switch (command.kind) {
    case 'help':
      return { text: say(locale, 'help') };
    case 'choose':
      if (turn.sender.subscriptions.length < 2) return run(turn, { kind: 'help' });
      await remember(turn, { subscription_id: null, pending: { command: null } });
      return { text: say(locale, 'choose', { list: list(turn.sender.subscriptions) }) };
    case 'number': {
      const subs = turn.sender.subscriptions;
      const pick = subs[command.value - 1];
      if (!pick) return { text: say(locale, 'choice_invalid', { list: list(subs) }) };
      const waiting = turn.conv.pending?.command ?? null;
      await remember(turn, { subscription_id: pick.id, customer_id: pick.customerId, pending: null });
      const picked = say(locale, 'chosen', { username: pick.username });
      if (!waiting) return { text: picked };
      const next = await run(turn, waiting);
      return { text: next.text ? `${picked}\n\n${next.text}` : picked, ticketId: next.ticketId };
    }
    case 'other': {
      // One customer, or the one chosen: their ticket. Several and none chosen: the first customer's.
      const sub = turn.sender.subscriptions.find((s) => s.id === turn.conv.subscription_id);
      return forwardMessage(trx, deps.timeZone, { conv: turn.conv, customer: customerOf(sub?.customerId ?? -1), messageId: turn.messageId, text: turn.visibleText, locale, now: turn.now });
    }
    default: {
      const sub = await chosen(turn, command);
      if (!('id' in sub)) return sub;
      if (command.kind === 'bill') return { text: await answerBill({ db: trx, payUrl: deps.payUrl }, sub, locale) };
      if (command.kind === 'status') return { text: await answerStatus({ db: trx, timeZone: deps.timeZone }, sub, locale) };
      if (command.kind === 'wifi') return { text: await answerWifi(deps.wifi, { sub, customer: customerOf(sub.customerId), change: { ssid: command.ssid, password: command.password } }, locale) };
      if (command.kind !== 'report') return { text: say(locale, 'help') }; // help and choose are answered above
      return openReport(trx, deps.timeZone, { conv: turn.conv, customer: customerOf(sub.customerId), messageId: turn.messageId, text: command.text, locale, now: turn.now });
    }
  }
}

export async function handleInbound(deps: AssistantDeps, msg: InboundMessage): Promise<InboundOutcome> {
  // WhatsApp ids are E.164 digits without `+` (Cloud API `from` / `wa_id`; Fonnte `sender`).
  const phone = normalizePhone(`+${msg.from.trim().replace(/^\+/, '')}`);
  if (!phone) {
    deps.log.warn({ provider: msg.provider }, 'whatsapp message from something that is not a phone number ignored');
    return 'ignored';
  }
  const limit = deps.rateLimit ?? { messages: 20, windowMinutes: 10 };
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - limit.windowMinutes * 60_000);

  return deps.db.transaction(async (trx) => {
    const sender = await identifySender(trx, phone);
    const conv = await lockConversation(trx, phone, sender.customers[0]?.locale ?? 'id', now);
    const parsed = parseCommand(msg.text, conv.pending !== null);
    const visibleText = storedText(msg.text, parsed);
    const limited = (await inboundSince(trx, conv.id, windowStart)) >= limit.messages;
    const messageId = await storeInbound(trx, { conversationId: conv.id, provider: msg.provider, providerMessageId: msg.providerMessageId, body: visibleText, status: limited ? 'rate_limited' : 'handled', now });
    if (messageId === null) return 'duplicate';

    const locale = parsed.locale ?? conv.locale;
    if (limited) {
      if (!conv.rate_notice_at || new Date(conv.rate_notice_at) <= windowStart) {
        await trx('assistant_conversations').where({ id: conv.id }).update({ rate_notice_at: now });
        await queueReply(trx, conv, { text: say(locale, 'rate_limited', { minutes: limit.windowMinutes }), locale, now });
      }
      deps.log.info({ conversationId: conv.id }, 'whatsapp assistant: rate limit reached for a number');
      return 'handled';
    }

    const customerId = sender.customers.length ? (conv.customer_id && sender.customers.some((c) => c.id === conv.customer_id) ? conv.customer_id : sender.customers[0]!.id) : null;
    await trx('assistant_conversations').where({ id: conv.id }).update({ locale, last_inbound_at: now, customer_id: customerId });
    Object.assign(conv, { locale, customer_id: customerId });
    if (!sender.customers.length) {
      await queueReply(trx, conv, { text: say(locale, 'unknown_number'), locale, now });
      return 'handled';
    }
    const answer = await run({ trx, deps, conv, sender, locale, now, messageId, visibleText }, parsed.command);
    if (answer.text) await queueReply(trx, conv, { text: answer.text, locale, now, ticketId: answer.ticketId ?? null });
    return 'handled';
  });
}
