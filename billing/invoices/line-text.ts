/**
 * The words on invoice lines that billing writes itself (plan changes, already-billed periods),
 * in the customer's language (customers.locale): an invoice line is stored as text when the
 * invoice is issued and shown as stored on the invoice, its PDF and the portal, so it is written
 * once, in one language, never as "Sisa paket … / Unused …". Plan names are shown as staff
 * typed them. `left`/`total` are days; `span` is a period as billing-period.ts periodSpan prints it.
 */
export type LineLocale = 'id' | 'en';

const TEXT: Record<LineLocale, {
  unused(plan: string, left: number, total: number): string;
  plan(plan: string, left: number, total: number): string;
  alreadyBilled(plan: string, span: string): string;
  planPeriod(plan: string, span: string): string;
  /** A terminated subscription's credit for the unused days of a paid invoice (a ledger entry). */
  terminationCredit(unused: number, total: number, invoice: string): string;
}> = {
  id: {
    unused: (plan, left, total) => `Sisa paket ${plan} (${left}/${total} hari)`,
    plan: (plan, left, total) => `Paket ${plan} (${left}/${total} hari)`,
    alreadyBilled: (plan, span) => `Paket ${plan} (${span}) sudah ditagih`,
    planPeriod: (plan, span) => `Paket ${plan} (${span})`,
    terminationCredit: (unused, total, invoice) => `Kredit sisa ${unused}/${total} hari ${invoice} (berhenti langganan)`,
  },
  en: {
    unused: (plan, left, total) => `Unused ${plan} (${left}/${total} days)`,
    plan: (plan, left, total) => `Plan ${plan} (${left}/${total} days)`,
    alreadyBilled: (plan, span) => `Plan ${plan} (${span}) already billed`,
    planPeriod: (plan, span) => `Plan ${plan} (${span})`,
    terminationCredit: (unused, total, invoice) => `Credit for ${unused}/${total} unused days of ${invoice} (service ended)`,
  },
};

/** The line texts for `locale`; anything but 'en' is Indonesian (the customers.locale default). */
export function lineText(locale: string | null | undefined): (typeof TEXT)[LineLocale] {
  return TEXT[locale === 'en' ? 'en' : 'id'];
}
