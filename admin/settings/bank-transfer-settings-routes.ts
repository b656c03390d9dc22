/**
 * The console's bank-transfer settings (issue 14, item 4; ARCHITECTURE.md, "Payment channels"):
 * GET/POST /admin/settings/bank-transfer, a tab of Settings beside the payment gateways (each
 * gateway's own on/off is its `enabled` field there: billing/settings/integrations.ts). Staff
 * switch bank transfer on or off, list the ISP's accounts (bank, number, holder; at least one when
 * on) and the hours a unique code holds. Permission settings.manage; the CSRF token on the POST
 * (`guard`); the change audited by the use case (save-bank-transfer-settings.ts). A save
 * redirects with `?saved=1`; errors come back 422 with what was typed, a stale form 409.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import {
  BANK_TRANSFER_ROWS, bankTransferFormValues, loadBankTransferForm, saveBankTransferSettings,
} from '../../billing/payments/bank-transfer/save-bank-transfer-settings.js';
import { BANKS } from '../../billing/payments/bank-transfer/statement-layouts.js';
import { formBody } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';

type Ctx = Koa.ParameterizedContext<AdminState>;
const PATH = '/admin/settings/bank-transfer';

export function addBankTransferSettingsRoutes(r: Router<AdminState>, deps: AdminDeps): void {
  const perm = guard('settings.manage');

  async function form(ctx: Ctx, extra: Record<string, unknown> = {}): Promise<void> {
    const { settings, version } = await loadBankTransferForm(deps.db);
    deps.render(ctx, 'admin/settings/bank-transfer', {
      title: t(ctx.state.locale, 'bank_transfer_portal.settings.title'), section: 'bank-transfer',
      values: bankTransferFormValues(settings), version, saved: ctx.query.saved === '1',
      rows: Array.from({ length: BANK_TRANSFER_ROWS }, (_, i) => i), banks: BANKS.map((b) => ({ value: b, label: b.toUpperCase() })),
      ...extra,
    });
  }

  r.get(PATH, ...perm, (ctx) => form(ctx));

  r.post(PATH, ...perm, async (ctx) => {
    const input = formBody(ctx);
    const v = typeof input.version === 'string' && /^\d{1,9}$/.test(input.version) ? Number(input.version) : -1;
    const result = await saveBankTransferSettings(deps.db, actorOf(ctx), v, input);
    if (result.ok) {
      deps.log.info({ enabled: result.settings.enabled, accounts: result.settings.accounts.length, staff: ctx.state.staff?.username }, 'bank transfer settings saved');
      return ctx.redirect(`${PATH}?saved=1`);
    }
    ctx.status = result.code === 'stale' ? 409 : 422;
    await form(ctx, { values: input, version: input.version, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' });
  });
}
