/**
 * What each staff role may do. Routes check a permission (never a role name), and pages hide what
 * the signed-in staff member lacks, so a role can change here in one place.
 * - admin: everything (plans, settings, dunning schedule, templates, staff, voiding invoices);
 * - cashier: customers (view, edit contact details), payments, sending invoices again, vouchers,
 *   reports (their own deposit only), tickets;
 * - technician: customers (view), subscriptions (create, change plan, suspend, reactivate),
 *   disconnecting sessions, NAS, tickets;
 * - viewer: read-only (no reports: revenue is the owner's and the cashier's business);
 * - collector (penagih): a field collector: finds customers, sees their invoices and payments,
 *   records payments and prints their own deposit, only for the customers of the areas assigned to
 *   them (an area-scoped role: billing/customers/customer-scope.ts applies the scope to every customer,
 *   invoice and payment list and page they reach; no dashboard, no reports).
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
  /** Send a WhatsApp broadcast to a filtered list of customers (admin only: mass messages are the owner's call). */
  'broadcasts.send',
  /** See network devices (OLT, ODC, ODP, switches, access points…) and the topology. */
  'devices.view',
  /** Add, edit and delete devices, their SNMP credentials and where subscriptions hang off them. */
  'devices.edit',
  /** The live dashboard (/admin/network/live) and subscribers' live traffic from their router (admin, technician). */
  'network.live',
  /** Outbound webhooks (/admin/webhooks): register endpoints, see their secrets once, rotate them, replay deliveries (admin only: events carry customers' data). */
  'webhooks.manage',
  /** REST API tokens of any staff member (/admin/api-tokens): create (shown once), see last use, revoke (admin only: a token acts as its staff member). */
  'api_tokens.manage',
  /** Bank transfers (/admin/bank-transfers): upload statements, credit or ignore unmatched lines, approve or reject receipts; every customer's money, so not collectors (admin, cashier). */
  'bank_transfers.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export type StaffRole = 'admin' | 'cashier' | 'technician' | 'viewer' | 'collector';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'cashier', 'technician', 'viewer', 'collector'];

/** Roles that reach only the customers of the areas assigned to them (staff_areas); every other role reaches everyone. */
export const AREA_SCOPED_ROLES: ReadonlySet<StaffRole> = new Set<StaffRole>(['collector']);

const VIEW: Permission[] = ['dashboard.view', 'customers.view', 'invoices.view', 'payments.view', 'plans.view', 'nas.view', 'sessions.view', 'vouchers.view', 'tickets.view', 'alerts.view', 'devices.view'];

const ROLE_PERMISSIONS: Record<StaffRole, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  cashier: new Set<Permission>([...VIEW, 'customers.edit', 'payments.record', 'invoices.send', 'vouchers.manage', 'reports.view', 'tickets.edit', 'alerts.acknowledge', 'bank_transfers.manage']),
  technician: new Set<Permission>([...VIEW, 'subscriptions.edit', 'subscriptions.suspend', 'sessions.disconnect', 'nas.edit', 'tickets.edit', 'alerts.acknowledge', 'devices.edit', 'network.live']),
  viewer: new Set<Permission>(VIEW),
  collector: new Set<Permission>(['customers.view', 'invoices.view', 'payments.view', 'payments.record']),
};

/** The permissions of `role`; an unknown role has none. */
export function permissionsOf(role: string): ReadonlySet<Permission> {
  return ROLE_PERMISSIONS[role as StaffRole] ?? new Set();
}

/**
 * The page a staff member starts on (after signing in, changing the password): the dashboard, or
 * for a role without it (collector) the customer list.
 */
export function homePath(permissions: ReadonlySet<Permission>): string {
  if (permissions.has('dashboard.view')) return '/admin';
  return permissions.has('customers.view') ? '/admin/customers' : '/admin/password';
}
