/**
 * What each staff role may do. Routes check a permission (never a role name), and pages hide what
 * the signed-in staff member lacks, so a role can change here in one place.
 * - admin: everything (plans, settings, dunning schedule, templates, staff, voiding invoices);
 * - cashier: customers (view, edit contact details), payments, sending invoices again, vouchers,
 *   reports (their own deposit only), tickets;
 * - technician: customers (view), subscriptions (create, change plan, suspend, reactivate),
 *   disconnecting sessions, NAS, tickets;
 * - viewer: read-only (no reports: revenue is the owner's and the cashier's business).
 */
export const PERMISSIONS = [
  'dashboard.view',
  'customers.view',
  'customers.edit',
  'subscriptions.edit',
  'subscriptions.suspend',
  'payments.view',
  'payments.record',
  'invoices.view',
  'invoices.send',
  'invoices.void',
  'plans.view',
  'plans.edit',
  'nas.view',
  'nas.edit',
  /** Point a router's RouterOS API at an address other than the router's own (admin only: the stored API password goes there). */
  'nas.api_host',
  'sessions.view',
  'sessions.disconnect',
  'vouchers.view',
  'vouchers.manage',
  'tickets.view',
  'tickets.edit',
  'reports.view',
  /** See and print every staff member's deposit (setoran); without it, staff who record payments see their own only (admin). */
  'deposits.view',
  'settings.manage',
  'audit.view',
  'staff.manage',
  /** See staff alerts (header count, /admin/alerts). */
  'alerts.view',
  /** Mark a staff alert as handled. */
  'alerts.acknowledge',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export type StaffRole = 'admin' | 'cashier' | 'technician' | 'viewer';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'cashier', 'technician', 'viewer'];

const VIEW: Permission[] = ['dashboard.view', 'customers.view', 'invoices.view', 'payments.view', 'plans.view', 'nas.view', 'sessions.view', 'vouchers.view', 'tickets.view', 'alerts.view'];

const ROLE_PERMISSIONS: Record<StaffRole, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  cashier: new Set<Permission>([...VIEW, 'customers.edit', 'payments.record', 'invoices.send', 'vouchers.manage', 'reports.view', 'tickets.edit', 'alerts.acknowledge']),
  technician: new Set<Permission>([...VIEW, 'subscriptions.edit', 'subscriptions.suspend', 'sessions.disconnect', 'nas.edit', 'tickets.edit', 'alerts.acknowledge']),
  viewer: new Set<Permission>(VIEW),
};

/** The permissions of `role`; an unknown role has none. */
export function permissionsOf(role: string): ReadonlySet<Permission> {
  return ROLE_PERMISSIONS[role as StaffRole] ?? new Set();
}
