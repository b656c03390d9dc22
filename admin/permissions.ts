/**
 * What each staff role may do. Routes check a permission (never a role name), and pages hide what
 * the signed-in staff member lacks, so a role can change here in one place.
 * - admin: everything;
 * - cashier: customers (view, edit contact details), invoices, payments;
 * - technician: customers (view), subscriptions (create, suspend, reactivate, disconnect), NAS,
 *   live sessions;
 * - viewer: read-only.
 */
export const PERMISSIONS = [
  'dashboard.view',
  'customers.view',
  'customers.edit',
  'subscriptions.edit',
  'subscriptions.suspend',
  'payments.record',
  'invoices.view',
  'plans.view',
  'plans.edit',
  'nas.view',
  'nas.edit',
  'sessions.view',
  'audit.view',
  'staff.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export type StaffRole = 'admin' | 'cashier' | 'technician' | 'viewer';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'cashier', 'technician', 'viewer'];

const VIEW: Permission[] = ['dashboard.view', 'customers.view', 'invoices.view', 'plans.view', 'nas.view', 'sessions.view'];

const ROLE_PERMISSIONS: Record<StaffRole, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  cashier: new Set<Permission>([...VIEW, 'customers.edit', 'payments.record']),
  technician: new Set<Permission>([...VIEW, 'subscriptions.edit', 'subscriptions.suspend', 'nas.edit']),
  viewer: new Set<Permission>(VIEW),
};

/** The permissions of `role`; an unknown role has none. */
export function permissionsOf(role: string): ReadonlySet<Permission> {
  return ROLE_PERMISSIONS[role as StaffRole] ?? new Set();
}
