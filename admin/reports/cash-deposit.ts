/**
 * A staff member's deposit (setoran) for one local day: the cash and bank transfers they recorded
 * that day (daily-income.ts, the same day bounds), the total per method and in all, with who they
 * are and the company, for the printable closing that the cashier signs when handing the money
 * over and the receiver signs on taking it. Amounts are integer rupiah.
 *
 * Who may open whose deposit (canOpenDeposit): one's own with payments.record (whoever records
 * payments hands them over); everyone's with deposits.view (admin).
 */
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import type { Knex } from '../../lib/db.js';
import type { SignedInStaff } from '../context.js';
import { dailyIncome, HANDED_METHODS, type DailyPayment, type MethodTotal } from '../../billing/reports/daily-income.js';

export interface CashDeposit {
  day: string;
  staff: { id: number; name: string; username: string };
  payments: DailyPayment[];
  /** Cash, then bank transfer (zero when none). */
  byMethod: MethodTotal[];
  total: number;
  company: { name: string; address: string; phone: string };
}

/** Whether `viewer` may open the deposit of staff member `staffId`. */
export function canOpenDeposit(viewer: SignedInStaff, staffId: number): boolean {
  return viewer.permissions.has('deposits.view') || (viewer.id === staffId && viewer.permissions.has('payments.record'));
}

/** Staff member `staffId`'s deposit for local day `day` (YYYY-MM-DD in `timeZone`); null when there is no such staff member. */
export async function cashDeposit(db: Knex, staffId: number, day: string, timeZone: string): Promise<CashDeposit | null> {
  const staff = (await db('staff_users').where({ id: staffId }).first('id', 'name', 'username')) as { id: number; name: string; username: string } | undefined;
  if (!staff) return null;
  const [income, settings] = await Promise.all([dailyIncome(db, day, timeZone, { staffId, methods: HANDED_METHODS }), loadBillingSettings(db)]);
  return {
    day,
    staff: { id: Number(staff.id), name: staff.name, username: staff.username },
    payments: income.payments,
    byMethod: income.byMethod,
    total: income.total,
    company: { name: settings.companyName, address: settings.companyAddress, phone: settings.companyPhone },
  };
}
