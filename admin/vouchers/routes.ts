/**
 * Hotspot voucher batches and printable sheets:
 * - the batches (newest first, vouchers counted by status), a new batch (vouchers.manage);
 * - a batch's page: its terms and its vouchers (search by code — a fragment with vouchers.manage,
 *   the whole code only without it; filter by status, pages), marking vouchers sold (ticked ones,
 *   or the next N unused);
 * - its CSV and its printable sheet (A4, three card layouts, a QR code that logs the guest in).
 *
 * A code is the voucher itself (whoever reads it can use it), so whole codes are shown, exported
 * and printed only with vouchers.manage; with vouchers.view alone a code shows its last three
 * characters. Creating, selling, exporting and printing are written to the audit log.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { generateBatch } from '../../billing/vouchers/generate-batch.js';
import { markVouchersSold } from '../../billing/vouchers/mark-vouchers-sold.js';
import { describeTerms, formatData, formatDuration } from '../../billing/vouchers/voucher-terms.js';
import { VOUCHER_STATUSES } from '../../billing/access/voucher-access.js';
import { normalizeVoucherCode } from '../../billing/access/voucher-code.js';
import { recordAudit } from '../../lib/audit.js';
import { AppError } from '../../lib/errors.js';
import { t, type Locale } from '../../lib/i18n.js';
import { actorOf, guard, type AdminState } from '../context.js';
import { everyRow, streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { batchFormOf, EMPTY_BATCH_FORM, parseBatchForm, type BatchForm } from './batch-form.js';
import { listBatches, loadBatch, planChoices, type BatchRow } from './list-batches.js';
import { listVouchers, VOUCHER_FILTERS, type VoucherListQuery, type VoucherRow } from './list-vouchers.js';
import { CARD_LAYOUTS, printOptionsOf } from './print-options.js';
import { qrSvg, voucherLoginUrl } from './voucher-qr.js';

function voucherQuery(q: Record<string, unknown>): VoucherListQuery {
  const status = queryValue(q.status);
  return {
    q: queryValue(q.q, 40),
    status: (VOUCHER_FILTERS as readonly string[]).includes(status) ? (status as VoucherListQuery['status']) : '',
    page: Number.parseInt(queryValue(q.page), 10) || 1,
  };
}

/** `•••••K7Q`: enough to tell vouchers apart, not enough to use one. */
const masked = (code: string): string => `${'•'.repeat(Math.max(0, code.length - 3))}${code.slice(-3)}`;

/** A batch as the pages show it: its terms in words, the rate it gets, its counts. */
function batchView(b: BatchRow, locale: Locale) {
  const terms = describeTerms({ timeLimitSeconds: b.time_limit_seconds, dataLimitBytes: b.data_limit_bytes, validitySeconds: b.validity_seconds }, locale);
  return {
    ...b,
    terms,
    termsLine: [terms.time, terms.data, terms.validity && `${t(locale, 'vouchers.valid_for')} ${terms.validity}`].filter(Boolean).join(' · '),
    rate: b.rate_limit ?? b.plan_rate_limit ?? '',
    statusCounts: VOUCHER_STATUSES.map((s) => ({ status: s, n: b.counts[s] })),
  };
}

function voucherView(v: VoucherRow, reveal: boolean, locale: Locale) {
  const used = Number(v.used_seconds) > 0 || Number(v.used_octets) > 0;
  return {
    ...v,
    shown: reveal ? v.code : masked(v.code),
    used_time: used ? formatDuration(Number(v.used_seconds), locale) : '',
    used_data: used ? formatData(Number(v.used_octets), locale) : '',
    sellable: v.status === 'unused',
  };
}

/** The ids ticked in a form: `ids=1&ids=2` arrives as an array, a single one as a string. */
function idsOf(value: unknown): number[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map(String).filter((v) => /^\d{1,15}$/.test(v)).map(Number).slice(0, 10_000);
}

export function createVoucherRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  async function renderForm(ctx: Koa.ParameterizedContext<AdminState>, values: BatchForm, errors: Record<string, string> = {}): Promise<void> {
    deps.render(ctx, 'admin/vouchers/form', { title: t(ctx.state.locale, 'vouchers.new'), values, errors, plans: await planChoices(deps.db) });
  }

  r.get('/admin/vouchers', ...guard('vouchers.view'), async (ctx) => {
    const list = await listBatches(deps.db, Number.parseInt(queryValue(ctx.query.page), 10) || 1);
    const locale = ctx.state.locale;
    deps.render(ctx, 'admin/vouchers/list', {
      title: t(ctx.state.locale, 'nav.vouchers'),
      list: { ...list, rows: list.rows.map((b) => batchView(b, locale)) },
      statuses: VOUCHER_STATUSES,
      prev: list.page > 1 ? `page=${list.page - 1}` : null,
      next: list.page < list.pages ? `page=${list.page + 1}` : null,
      saved: ctx.query.saved,
      notFound: ctx.query.not_found,
    });
  });

  // Batches with their counts by status (no codes: those are in each batch's own CSV).
  r.get('/admin/vouchers.csv', ...guard('vouchers.view'), async (ctx) => {
    await streamCsv(ctx, `voucher-batches-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['batch', 'created_at', 'created_by', 'plan', 'rate_limit', 'time_limit_seconds', 'data_limit_bytes', 'validity_seconds', 'price', 'quantity', ...VOUCHER_STATUSES],
      async function* () {
        for await (const b of everyRow((page) => listBatches(deps.replicaDb, page))) {
          yield [b.name, new Date(b.created_at).toISOString(), b.created_by_name, b.plan_name, b.rate_limit ?? b.plan_rate_limit, b.time_limit_seconds,
            b.data_limit_bytes === null ? null : Number(b.data_limit_bytes), b.validity_seconds, Number(b.price), b.quantity, ...VOUCHER_STATUSES.map((s) => b.counts[s])];
        }
      });
  });

  // Find a voucher by its whole code, across every batch: to its batch's page, filtered to it.
  r.get('/admin/vouchers/find', ...guard('vouchers.view'), async (ctx) => {
    const code = normalizeVoucherCode(queryValue(ctx.query.code, 40));
    const row = code ? await deps.db('vouchers').where({ code }).first('batch_id') : null;
    if (!row) return ctx.redirect(`/admin/vouchers?not_found=1`);
    ctx.redirect(`/admin/vouchers/batches/${Number(row.batch_id)}?${new URLSearchParams({ q: code })}`);
  });

  r.get('/admin/vouchers/new', ...guard('vouchers.manage'), async (ctx) => {
    await renderForm(ctx, { ...EMPTY_BATCH_FORM });
  });

  r.post('/admin/vouchers', ...guard('vouchers.manage'), async (ctx) => {
    const values = batchFormOf(formBody(ctx));
    const plans = await planChoices(deps.db);
    const parsed = parseBatchForm(values, new Set(plans.map((p) => p.id)));
    if (!parsed.ok) {
      ctx.status = 422;
      return renderForm(ctx, values, parsed.errors);
    }
    const actor = actorOf(ctx);
    const outcome = await deps.engine.run((u) => generateBatch(u.db, actor, parsed.input));
    if (!outcome.ok) {
      ctx.status = 422;
      return renderForm(ctx, values, outcome.code === 'invalid' ? { [outcome.field]: 'error.invalid' } : { plan_id: 'error.invalid' });
    }
    ctx.redirect(`/admin/vouchers/batches/${outcome.batchId}?saved=created`);
  });

  r.get('/admin/vouchers/batches/:id', ...guard('vouchers.view'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const batch = await loadBatch(deps.db, id);
    if (!batch) throw new AppError('not_found', 'not_found', 404);
    const reveal = ctx.state.staff!.permissions.has('vouchers.manage');
    // Masked codes are searched by whole code only: answers to fragment searches would spell the code out.
    const query = { ...voucherQuery(ctx.query), exact: !reveal };
    const list = await listVouchers(deps.db, id, query);
    const locale = ctx.state.locale;
    const params = (over: Partial<VoucherListQuery>): string => {
      const p = { ...query, ...over };
      return new URLSearchParams({ q: p.q, status: p.status, page: String(p.page) }).toString();
    };
    deps.render(ctx, 'admin/vouchers/batch', {
      title: batch.name,
      batch: batchView(batch, locale),
      query,
      list: { ...list, rows: list.rows.map((v) => voucherView(v, reveal, locale)) },
      statuses: VOUCHER_STATUSES,
      prev: list.page > 1 ? params({ page: list.page - 1 }) : null,
      next: list.page < list.pages ? params({ page: list.page + 1 }) : null,
      csv: `/admin/vouchers/batches/${id}/csv?${params({ page: 1 })}`,
      back: params({ page: list.page }),
      saved: ctx.query.saved,
      sold: ctx.query.sold,
      sellError: ctx.query.sell_error,
    }, 'partials/admin/voucher-results');
  });

  r.get('/admin/vouchers/batches/:id/csv', ...guard('vouchers.manage'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const batch = await loadBatch(deps.db, id);
    if (!batch) throw new AppError('not_found', 'not_found', 404);
    const query = voucherQuery(ctx.query);
    await recordAudit(deps.db, actorOf(ctx), { action: 'voucher_batch_exported', objectType: 'voucher_batch', objectId: id, after: { q: query.q, status: query.status } });
    await streamCsv(ctx, `vouchers-${id}-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['code', 'status', 'price', 'sold_at', 'first_used_at', 'expires_at', 'used_seconds', 'used_octets'],
      async function* () {
        const iso = (d: Date | null): string => (d ? new Date(d).toISOString() : '');
        for await (const v of everyRow((page) => listVouchers(deps.db, id, { ...query, page }, 1000))) {
          yield [v.code, v.status, batch.price, iso(v.sold_at), iso(v.first_used_at), iso(v.expires_at), Number(v.used_seconds), Number(v.used_octets)];
        }
      });
  });

  // The printable sheet: the unused vouchers by default (those not handed out yet), or one status;
  // in a card layout, with a QR code of the hotspot login URL (print-options.ts, voucher-qr.ts).
  r.get('/admin/vouchers/batches/:id/print', ...guard('vouchers.manage'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const batch = await loadBatch(deps.db, id);
    if (!batch) throw new AppError('not_found', 'not_found', 404);
    const options = await printOptionsOf(deps.db, ctx.query);
    const { status, layout, loginAddress } = options;
    const list = loginAddress ? await listVouchers(deps.db, id, { q: '', status, page: 1 }, 10_000) : { rows: [] };
    if (loginAddress) {
      await recordAudit(deps.db, actorOf(ctx), { action: 'voucher_batch_printed', objectType: 'voucher_batch', objectId: id, after: { status: status || 'all', count: list.rows.length, layout } });
    } else {
      ctx.status = 422;
    }
    const withQr = layout !== 'compact';
    const settings = await loadBillingSettings(deps.db);
    deps.render(ctx, 'admin/vouchers/print', {
      title: batch.name,
      batch: batchView(batch, ctx.state.locale),
      company: settings.companyName,
      companyPhone: settings.companyPhone,
      status: status || 'all',
      statuses: VOUCHER_STATUSES,
      layout,
      layouts: CARD_LAYOUTS,
      login: options.loginTyped,
      loginError: loginAddress ? null : 'vouchers.error.login_address',
      note: options.note,
      withQr,
      cards: await Promise.all(list.rows.map(async (v) => ({ code: v.code, qr: withQr && loginAddress ? await qrSvg(voucherLoginUrl(loginAddress, v.code)) : null }))),
    });
  });

  r.post('/admin/vouchers/batches/:id/sell', ...guard('vouchers.manage'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = formBody(ctx) as Record<string, unknown>;
    const count = String(body.count ?? '').trim();
    const input = count
      ? { batchId: id, count: /^\d{1,5}$/.test(count) ? Number(count) : 0 }
      : { batchId: id, voucherIds: idsOf(body.ids) };
    const actor = actorOf(ctx);
    const outcome = await deps.engine.run((u) => markVouchersSold(u.db, actor, u.clock.now(), input));
    if (!outcome.ok && outcome.code === 'batch_not_found') throw new AppError('not_found', 'not_found', 404);
    const back = typeof body.back === 'string' && body.back.startsWith('?') ? new URLSearchParams(body.back.slice(1)) : new URLSearchParams();
    back.delete('sold');
    back.delete('sell_error');
    if (outcome.ok) back.set('sold', String(outcome.sold));
    else back.set('sell_error', outcome.code);
    ctx.redirect(`/admin/vouchers/batches/${id}?${back}`);
  });

  return r;
}
