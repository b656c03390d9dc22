/**
 * Helpers for the invoice and payment tests:
 * - `pdfText`: the text a PDF made by pdfkit shows, read from the very bytes the product serves.
 *   pdfkit deflates each content stream (/FlateDecode) and writes the standard fonts' text as hex
 *   strings of WinAnsi codes inside TJ arrays, split where it kerns (`[<494e56> 20 <2f32> ] TJ`).
 *   So: inflate every stream (node:zlib), take each TJ array's hex strings, join them. That is
 *   enough for pdfkit's output with the standard fonts (what invoice-pdf.ts uses), and it checks
 *   the production file rather than an uncompressed test variant. Not a general PDF parser.
 * - `billedCustomer`: a customer with a subscription billed by the real invoice run.
 */
import { inflateSync } from 'node:zlib';
import type { BillingEngine } from '../../billing/engine/engine.js';
import type { Knex } from '../../lib/db.js';
import { subscriber } from './billing-fixtures.js';

// The standard fonts' WinAnsiEncoding is Windows-1252: Latin-1 but for 0x80–0x9F (– is 0x96).
// (Node's TextDecoder('windows-1252') without full ICU decodes those as C1 controls.)
const CP1252_80 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const winAnsi = {
  decode: (b: Buffer): string => [...b].map((c) => (c >= 0x80 && c <= 0x9f ? CP1252_80[c - 0x80]! : String.fromCharCode(c))).join(''),
};

/** Each text run (one TJ/Tj operator) of the PDF, in page order. */
export function pdfText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const runs: string[] = [];
  const streamRe = /<<([\s\S]*?)>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = streamRe.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    let body = pdf.subarray(start, end);
    if (/\/FlateDecode/.test(m[1]!)) {
      try {
        body = inflateSync(body);
      } catch {
        continue; // an image or font stream that is not content: not text
      }
    }
    const content = body.toString('latin1');
    for (const op of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hexes = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [op[2]!];
      runs.push(hexes.map((h) => winAnsi.decode(Buffer.from(h, 'hex'))).join(''));
    }
    streamRe.lastIndex = end;
  }
  return runs;
}

/**
 * A customer (name given) on plan `planId` whose subscription started on `startDate`, invoiced by
 * the engine's invoice run at the engine clock's date; returns the customer and its invoices.
 */
export async function billedCustomer(
  db: Knex,
  engine: BillingEngine,
  opts: { planId: number; startDate: string; name?: string },
): Promise<{ customerId: number; subscriptionId: number; invoices: Array<{ id: number; invoice_number: string; total: number; status: string }> }> {
  const s = await subscriber(db, { planId: opts.planId, startDate: opts.startDate, name: opts.name });
  await engine.generateInvoices();
  const invoices = (await db('invoices').where({ subscription_id: s.id }).orderBy('id').select('id', 'invoice_number', 'total', 'status')) as Array<{
    id: number; invoice_number: string; total: number; status: string;
  }>;
  return { customerId: s.customerId, subscriptionId: s.id, invoices: invoices.map((i) => ({ ...i, id: Number(i.id), total: Number(i.total) })) };
}

/** What the browser shows of escaped HTML text (Handlebars escapes & < > " ' ` =). */
export const decodeHtml = (html: string): string =>
  html.replace(/&(#x([0-9a-f]+)|quot|amp|lt|gt);/gi, (_m, name: string, hex?: string) =>
    (hex ? String.fromCharCode(parseInt(hex, 16)) : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[name.toLowerCase()]!));

/** The `data-invoice` / `data-payment` values of a list page's rows, in order. */
export function rowKeys(html: string, attr: 'data-invoice' | 'data-payment'): string[] {
  return [...html.matchAll(new RegExp(`<tr ${attr}="([^"]*)"`, 'g'))].map((m) => decodeHtml(m[1]!));
}

/** Parses a CSV export (BOM, quoted cells) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/**
 * Signs in as `username` and returns a GET that answers the raw bytes (adminClient reads bodies
 * as text, which would mangle a PDF).
 */
export async function binaryGetter(baseUrl: string, username: string, password: string): Promise<(path: string) => Promise<{ status: number; type: string | null; disposition: string | null; body: Buffer }>> {
  const res = await fetch(`${baseUrl}/admin/login`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).filter((c) => c.startsWith('isp_staff=')).join('; ');
  if (!cookie) throw new Error(`sign-in as ${username} failed (${res.status})`);
  return async (path) => {
    const r = await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: { cookie } });
    return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), body: Buffer.from(await r.arrayBuffer()) };
  };
}
