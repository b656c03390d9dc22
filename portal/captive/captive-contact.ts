/**
 * What the captive pages tell a subscriber about reaching and paying the ISP, from the billing
 * settings (billing/settings/billing-settings.ts): the help card's contact, and the bank transfer
 * box (the ISP's accounts, the amount, the note to write, where to send the receipt).
 */
import type { BillingSettings, BankAccount } from '../../billing/settings/billing-settings.js';
import type { CaptiveAccount } from './captive-account.js';

export interface CaptiveContact {
  name: string;
  phone: string;
  /** `tel:` target: digits and a leading +. */
  phoneHref: string;
  /** https://wa.me/62… for an Indonesian mobile number (08…, 628…, +628…), else ''. */
  waHref: string;
  email: string;
  address: string;
  /** Neither phone, e-mail nor address is set: the card shows a default text instead. */
  empty: boolean;
}

/**
 * The WhatsApp click-to-chat link of `phone` (https://faq.whatsapp.com/5913398998672934: the
 * number in international form, digits only, no + or leading 0): "0812-3456-7890" →
 * "https://wa.me/6281234567890". '' for a number that is not an Indonesian mobile (a landline
 * such as 0274… has no WhatsApp).
 */
export function waLink(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const intl = digits.startsWith('08') ? `62${digits.slice(1)}` : digits;
  return /^628\d{7,12}$/.test(intl) ? `https://wa.me/${intl}` : '';
}

/** The help card's contact from the settings. */
export function captiveContact(s: BillingSettings): CaptiveContact {
  return {
    name: s.companyName, phone: s.companyPhone, phoneHref: s.companyPhone.replace(/[^\d+]/g, ''), waHref: waLink(s.companyPhone),
    email: s.companyEmail, address: s.companyAddress, empty: !s.companyPhone && !s.companyEmail && !s.companyAddress,
  };
}

export interface BankTransfer {
  accounts: BankAccount[];
  /** Rupiah: what restores access (restoreDue.payNow). */
  amount: number;
  /** What to write in the transfer note: the invoice number(s) the payment settles, oldest first. */
  reference: string;
}

/**
 * The bank transfer box of `account`'s page, or null when nothing is payable now (nothing owed,
 * or a "paid" notification being confirmed: no second payment is asked for). With no account
 * configured the box still says how much and what to write, and to pay at the office.
 */
export function bankTransfer(s: BillingSettings, account: CaptiveAccount): BankTransfer | null {
  const payNow = account.restoreDue.payNow;
  if (!payNow || account.confirming) return null;
  const reference = account.restoreDue.invoices.slice(0, payNow.invoiceCount).map((i) => i.invoiceNumber).join(', ');
  return { accounts: s.bankAccounts, amount: payNow.amount, reference };
}
